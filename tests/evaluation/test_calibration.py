"""Calibration: ECE by its definition, temperature scaling recovers a known temperature."""

import numpy as np
import pytest

from signalrnn.evaluation.calibration import (
    calibration_summary,
    expected_calibration_error,
    fit_temperature,
    reliability_table,
    scale_temperature,
)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.fixture
def honest():
    """Probabilities and labels drawn from exactly those probabilities."""
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 2, (20000, 3))
    probs = softmax(logits)
    labels = (rng.random(len(probs))[:, None] > probs.cumsum(axis=1)).sum(axis=1)
    return logits, probs, labels


def test_an_always_sure_coin_flip_is_off_by_half():
    probs = np.tile([1.0, 0.0], (100, 1))
    labels = np.r_[np.zeros(50, int), np.ones(50, int)]
    assert expected_calibration_error(probs, labels, 10) == pytest.approx(0.5)


def test_honest_probabilities_have_a_small_ece(honest):
    _, probs, labels = honest
    assert expected_calibration_error(probs, labels, 10) < 0.02
    table = reliability_table(probs, labels, 10)
    assert len(table) == 10 and table["windows"].sum() == len(probs)


def test_temperature_scaling_undoes_over_confidence(honest):
    logits, probs, labels = honest
    over_confident = softmax(2 * logits)  # the truth at temperature 2
    assert fit_temperature(over_confident, labels) == pytest.approx(2.0, rel=0.1)
    summary = calibration_summary(over_confident, labels, 10, fit_temperature(over_confident, labels))
    assert summary["ece_scaled"] < summary["ece"] / 3
    assert summary["nll_scaled"] < summary["nll"]


def test_temperature_keeps_the_predicted_class_and_one_is_identity(honest):
    _, probs, _ = honest
    np.testing.assert_allclose(scale_temperature(probs, 1.0), probs, atol=1e-9)
    assert (scale_temperature(probs, 3.0).argmax(axis=1) == probs.argmax(axis=1)).all()
