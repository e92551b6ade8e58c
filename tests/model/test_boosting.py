"""The gradient-boosting companion: its features and its fit."""

import numpy as np

from signalrnn.model.boosting import beat_features, class_probabilities, fit_companion

WINDOW = {"pre_ms": 350, "median_difference": True}
CFG = {"class_weight_power": [0.0, 1.0], "max_class_weight": 20, "max_iter": 20, "learning_rate": 0.1,
       "l2_regularization": 0.0, "seed": 0}


def windows(n, rng, shape=None):
    beat = rng.normal(size=(n, 144, 1)) if shape is None else shape + 0.1 * rng.normal(size=(n, 144, 1))
    usual = np.median(beat, axis=0, keepdims=True)
    return np.concatenate([beat, beat - usual], axis=2)


def test_features_are_rr_coarse_channels_median_terms_and_qrs():
    rng = np.random.default_rng(0)
    x = windows(5, rng)
    features = beat_features(x, np.ones((5, 8)), 180.0, WINDOW, 22, [-44, 67])
    # 8 RR + 36 x 2 coarse + 2 (correlation, mean square) + 2 (QRS length, range)
    assert features.shape == (5, 8 + 72 + 2 + 2)
    np.testing.assert_allclose(features[:, 8], x[:, :4, 0].mean(axis=1), rtol=1e-5)
    qrs = x[:, 55:75, 0]
    np.testing.assert_allclose(features[:, -1], np.ptp(qrs, axis=1), rtol=1e-5)


def test_features_without_rr_or_median_difference():
    x = np.random.default_rng(1).normal(size=(3, 100, 2))
    features = beat_features(x, None, 250.0, {"pre_ms": 200, "median_difference": False}, 20, [-40, 40])
    assert features.shape == (3, 20 * 2 + 2)


def test_the_companion_learns_separable_classes_and_reports_every_class():
    rng = np.random.default_rng(2)
    shapes = [np.sin(np.linspace(0, k + 1, 144))[None, :, None] for k in range(3)]
    x = [windows(40, rng, s) for s in shapes]
    labels = np.repeat([0, 1, 2], 40)
    features = np.vstack([beat_features(w, None, 180.0, WINDOW, 22, [-44, 67]) for w in x])
    fitted = fit_companion(features[::2], labels[::2], features[1::2], labels[1::2], 5, CFG)
    assert set(fitted.val_f1) == {0.0, 1.0}
    assert fitted.power in (0.0, 1.0)
    probs = class_probabilities(fitted.booster, features[1::2], 5)
    assert probs.shape == (60, 5)
    np.testing.assert_allclose(probs[:, 3:], 0)                   # never seen: probability 0
    assert (probs.argmax(axis=1) == labels[1::2]).mean() >= 0.9           # chance: 1 / 3
