"""The deflection-counting rule on hand-made windows of each class."""

import numpy as np
import pytest

from signalrnn.data.potentials import CLASSES
from signalrnn.data.simulate import deflection
from signalrnn.evaluation.baselines import find_deflections, fit_rule, predict
from signalrnn.preprocessing.window import normalize

FS_HZ = 1000.0
PRE_MS = 40
RULE = {"smooth_ms": 2.0, "slope_fraction": 0.2, "amplitude_fraction": 0.1, "double_cut_ms": 15}
# (offset ms, width ms, amplitude mV) of the deflections of one potential per class
POTENTIALS = {
    "single": [(0, 2.0, 2.0)],
    "short_double": [(0, 1.5, 2.0), (9, 1.5, 1.0)],
    "long_double": [(0, 2.0, 2.0), (28, 2.0, 0.8)],
    "fractionated": [(0, 1.0, 0.8), (9, 1.0, 0.6), (17, 1.0, 1.0), (31, 1.0, 0.5)],
}


def window(deflections, noise_mv: float = 0.0, seed: int = 0) -> np.ndarray:
    """One (120 ms, 1 channel) window, the potential's activation at PRE_MS."""
    t_ms = np.arange(120) - PRE_MS
    x = sum(deflection(t_ms - offset, sigma, amplitude) for offset, sigma, amplitude in deflections)
    x = x + np.random.default_rng(seed).normal(0, noise_mv, len(t_ms))
    return x[:, None]


def windows_of_each_class(**kwargs) -> tuple[np.ndarray, np.ndarray]:
    x = np.stack([window(POTENTIALS[c], **kwargs) for c in CLASSES])
    return x, np.arange(len(CLASSES))


def test_each_class_is_recognised():
    x, labels = windows_of_each_class()
    assert predict(x, FS_HZ, RULE, list(CLASSES)).tolist() == labels.tolist()


def test_deflections_are_found_at_their_steepest_downslope():
    found = find_deflections(window(POTENTIALS["fractionated"])[None], FS_HZ, RULE["smooth_ms"])
    big = found["amplitude"] > 0.5
    assert found["time_ms"][big] == pytest.approx([40, 49, 57, 71], abs=1)


def test_the_rule_is_scale_free():
    x, labels = windows_of_each_class(noise_mv=0.02)
    for changed in (7.5 * x - 3.0, normalize(x, "zscore")):
        assert predict(changed, FS_HZ, RULE, list(CLASSES)).tolist() == labels.tolist()


def test_a_broad_far_field_deflection_is_not_counted():
    x = window(POTENTIALS["single"] + [(20, 6.0, 0.5)])[None]
    assert predict(x, FS_HZ, RULE, list(CLASSES)).tolist() == [CLASSES.index("single")]


def test_any_order_of_the_class_names_works():
    x, labels = windows_of_each_class()
    shuffled = ["fractionated", "long_double", "short_double", "single"]
    predicted = predict(x, FS_HZ, RULE, shuffled)
    assert [shuffled[i] for i in predicted] == list(CLASSES)


def test_the_interval_decides_short_or_long():
    x = np.stack([window([(0, 1.5, 2.0), (interval, 1.5, 1.5)]) for interval in (12, 18)])
    assert [CLASSES[i] for i in predict(x, FS_HZ, RULE, list(CLASSES))] == ["short_double",
                                                                             "long_double"]


def test_fitting_finds_thresholds_that_separate_noisy_windows():
    x = np.concatenate([windows_of_each_class(noise_mv=0.05, seed=s)[0] for s in range(10)])
    labels = np.tile(np.arange(len(CLASSES)), 10)
    rule = fit_rule(x, labels, FS_HZ, list(CLASSES), 15)
    assert set(rule) == set(RULE)
    assert (predict(x, FS_HZ, rule, list(CLASSES)) == labels).all()
