"""Confidence intervals vary patients, not windows, by a method that fits how many there are."""

import numpy as np
import pytest

from signalrnn.evaluation.uncertainty import (
    BOOTSTRAP,
    FEW_PATIENTS,
    JACKKNIFE,
    patient_bootstrap,
    patient_intervals,
    patient_jackknife,
)

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


def noisy_patients(n_patients, windows=30, seed=1):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, n_patients * windows)
    skill = np.repeat(rng.uniform(0.6, 0.95, n_patients), windows)  # patients differ in difficulty
    y_pred = np.where(rng.random(len(y_true)) < skill, y_true, 1 - y_true)
    return y_true, y_pred, np.repeat(np.arange(n_patients), windows)


def test_few_patients_get_the_jackknife_and_many_the_bootstrap():
    assert patient_intervals(*noisy_patients(8), CLASSES, 200, seed=0)["method"] == JACKKNIFE
    assert patient_intervals(*noisy_patients(FEW_PATIENTS), CLASSES, 200, seed=0)["method"] == BOOTSTRAP


def test_the_jackknife_interval_holds_the_estimate_and_widens_as_patients_get_fewer():
    widths = []
    for n in (20, 8, 3):
        y_true, y_pred, patients = noisy_patients(n)
        ci = patient_jackknife(y_true, y_pred, patients, CLASSES)
        low, high = ci["accuracy"]
        assert low < np.mean(y_true == y_pred) < high
        widths.append(high - low)
    assert widths[0] < widths[1] < widths[2]


def test_with_few_patients_the_jackknife_is_wider_than_the_percentile_bootstrap():
    y_true, y_pred, patients = noisy_patients(4)
    jack = patient_jackknife(y_true, y_pred, patients, CLASSES)["macro_f1"]
    boot = patient_bootstrap(y_true, y_pred, patients, CLASSES, 2000, seed=0)["macro_f1"]
    assert jack[1] - jack[0] > boot[1] - boot[0]


def test_the_jackknife_gives_no_interval_for_a_class_that_one_patient_holds():
    y_true = np.r_[np.zeros(30, int), np.zeros(30, int), np.ones(30, int)]
    ci = patient_jackknife(y_true, y_true, np.repeat(["a", "b", "c"], 30), CLASSES)
    assert ci["per_class"]["V"]["recall"] is None and ci["accuracy"] == [1.0, 1.0]
    assert patient_jackknife(y_true, y_true, np.repeat("a", 90), CLASSES) is None
