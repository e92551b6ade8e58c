"""The plain-language summary states the numbers with intervals, and the baseline when there is one;
the methods table says how the model was trained."""

import numpy as np
import pandas as pd
import pytest

from signalrnn.config.load import load_config
from signalrnn.evaluation.assess import assess
from signalrnn.reporting.prose import methods_table, summary_points
from tests.helpers import ROOT

CLASSES = ["single", "double"]
EVALUATE = {"bootstrap_resamples": 200, "bootstrap_seed": 0, "calibration_bins": 10}


@pytest.fixture
def metrics():
    rng = np.random.default_rng(0)
    y_true = np.repeat([0, 1], 50)
    probs = np.clip(np.where(y_true[:, None] == [0, 1], 0.7, 0.3) + rng.normal(0, 0.2, (100, 1)), 0.01, 0.99)
    probs /= probs.sum(axis=1, keepdims=True)
    return assess(y_true, probs, np.tile(["p1", "p2", "p3", "p4"], 25), CLASSES, "test", EVALUATE, 1.5)


PER_PATIENT = pd.DataFrame({"patient": ["p2", "p1"], "accuracy": [0.6, 0.9]})


def test_the_summary_gives_intervals_the_weakest_class_and_the_worst_patient(metrics):
    text = " ".join(summary_points(metrics, PER_PATIENT))
    low, high = metrics["ci"]["macro_f1"]
    assert f"macro-F1 <b>{metrics['macro_f1']:.3f} (95% CI {low:.3f} to {high:.3f})</b>" in text
    assert "over the 4 test patients, from leaving out one patient at a time" in text
    assert "from 60% (patient p2) to 90% (patient p1)" in text
    assert "T = 1.50" in text
    assert "baseline" not in text


def test_the_summary_compares_with_the_baseline_when_there_is_one(metrics):
    metrics["baseline"] = {"macro_f1": 0.41, "balanced_accuracy": 0.5, "accuracy": 0.5}
    text = " ".join(summary_points(metrics, PER_PATIENT))
    assert "reached a macro-F1 of 0.410" in text
    assert "the network is better by macro-F1" in text


def test_a_headline_interval_wider_than_five_points_is_explained(metrics):
    metrics["ci"]["macro_f1"] = [0.90, 0.99]
    assert "The macro-F1 interval is 0.090 wide: 4 patients are too few" in " ".join(
        summary_points(metrics, PER_PATIENT))
    metrics["ci"]["macro_f1"] = [0.95, 0.99]
    assert "wide:" not in " ".join(summary_points(metrics, PER_PATIENT))


def test_one_patient_gives_no_interval(metrics):
    metrics["ci"] = None
    assert "no confidence interval can be given" in " ".join(summary_points(metrics, PER_PATIENT))


def test_the_methods_say_how_training_windows_were_augmented():
    config = load_config(ROOT / "configs" / "tiny.yaml")
    training = methods_table(config).set_index("step").loc["training", "settings"]
    assert "50% of each training batch with band-limited white noise at 0-30 dB SNR" in training
    config["train"]["noise_augmentation"]["snr_db"] = None
    assert "noise" not in methods_table(config).set_index("step").loc["training", "settings"]
