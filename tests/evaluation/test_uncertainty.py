"""Confidence intervals resample patients, not windows."""

import numpy as np
import pytest

from signalrnn.evaluation.uncertainty import patient_bootstrap

CLASSES = ["N", "V"]


def test_a_perfect_classifier_has_a_point_interval():
    y = np.array([0, 1] * 20)
    ci = patient_bootstrap(y, y, np.repeat(["a", "b", "c", "d"], 10), CLASSES, 200, seed=0)
    assert ci["accuracy"] == [1.0, 1.0]
    assert ci["per_class"]["V"]["recall"] == [1.0, 1.0]
    assert ci["n_patients"] == 4 and ci["level"] == 0.95


def test_one_right_and_one_wrong_patient_give_the_widest_interval():
    # 100 windows each: resampling windows would give about 0.5 +- 0.07; patients give [0, 1].
    y_true = np.zeros(200, int)
    y_pred = np.r_[np.zeros(100, int), np.ones(100, int)]
    ci = patient_bootstrap(y_true, y_pred, np.repeat(["good", "bad"], 100), CLASSES, 500, seed=0)
    assert ci["accuracy"] == [0.0, 1.0]


def test_the_interval_holds_the_estimate_and_is_reproducible():
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, 300)
    y_pred = np.where(rng.random(300) < 0.8, y_true, 1 - y_true)
    patients = np.repeat(np.arange(10), 30)
    first = patient_bootstrap(y_true, y_pred, patients, CLASSES, 300, seed=3)
    assert first == patient_bootstrap(y_true, y_pred, patients, CLASSES, 300, seed=3)
    low, high = first["macro_f1"]
    assert low < 0.8 < high and high - low < 0.2


def test_a_class_absent_everywhere_has_no_interval():
    y = np.zeros(20, int)
    ci = patient_bootstrap(y, y, np.repeat(["a", "b"], 10), CLASSES, 50, seed=0)
    assert ci["per_class"]["V"] == {"precision": None, "recall": None, "f1": None}


@pytest.mark.parametrize(("patients", "resamples"), [(["a"] * 4, 100), (["a", "a", "b", "b"], 0)])
def test_no_interval_from_one_patient_or_no_resamples(patients, resamples):
    y = np.array([0, 1, 0, 1])
    assert patient_bootstrap(y, y, np.array(patients), CLASSES, resamples, seed=0) is None
