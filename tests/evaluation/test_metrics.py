"""Metrics follow their textbook definitions and say which split they describe."""

import numpy as np
import pytest

from signalrnn.evaluation.metrics import classification_metrics, confusion_matrix, metrics_by_group


def test_confusion_matrix_counts_true_rows_predicted_columns():
    cm = confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 0]), 3)
    assert cm.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 0]]


def test_metrics_on_an_imbalanced_example():
    y_true = np.array([0] * 8 + [1] * 2)
    y_pred = np.array([0] * 8 + [0, 1])
    m = classification_metrics(y_true, y_pred, ["N", "V"], "test")
    assert m["split"] == "test" and m["n_windows"] == 10
    assert m["accuracy"] == pytest.approx(0.9)
    assert m["balanced_accuracy"] == pytest.approx((1.0 + 0.5) / 2)
    f1_n = 2 * (8 / 9) * 1.0 / (8 / 9 + 1.0)
    f1_v = 2 * 1.0 * 0.5 / 1.5
    assert m["macro_f1"] == pytest.approx((f1_n + f1_v) / 2)
    assert m["per_class"]["V"] == {"precision": 1.0, "recall": 0.5,
                                   "f1": pytest.approx(f1_v), "support": 2}


def test_a_constant_classifier_gets_chance_balanced_accuracy():
    y_true = np.repeat([0, 1, 2, 3], 25)
    m = classification_metrics(y_true, np.zeros(100, int), list("abcd"), "test")
    assert m["balanced_accuracy"] == pytest.approx(0.25)
    assert m["accuracy"] == pytest.approx(0.25)


def test_group_breakdown_puts_the_worst_patient_first_with_its_commonest_error():
    y_true = np.array([0, 1, 1, 0, 1, 1])
    y_pred = np.array([0, 1, 1, 1, 0, 0])
    table = metrics_by_group(y_true, y_pred, np.array(["p1"] * 3 + ["p2"] * 3), ["N", "V"])
    assert table["group"].tolist() == ["p2", "p1"]
    assert table["accuracy"].tolist() == [0.0, 1.0]
    assert table["commonest_error"].tolist() == ["V -> N (2)", ""]
    assert table["windows"].tolist() == [3, 3]
