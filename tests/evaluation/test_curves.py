"""One-vs-rest curves and operating points by their definitions."""

import numpy as np
import pytest

from signalrnn.evaluation.curves import one_vs_rest_curves, operating_points

CLASSES = ["a", "b", "c"]


def test_perfect_scores_have_unit_auc_and_absent_classes_are_left_out():
    y = np.array([0, 0, 1, 1])
    probs = np.array([[0.9, 0.1, 0], [0.8, 0.2, 0], [0.3, 0.7, 0], [0.1, 0.9, 0]])
    curves = one_vs_rest_curves(y, probs, CLASSES)
    assert set(curves) == {"a", "b"}
    assert curves["a"]["roc_auc"] == 1.0 and curves["b"]["average_precision"] == 1.0


def test_operating_points_count_by_hand():
    y = np.array([0, 0, 0, 1, 1, 2])
    probs = np.array([[0.6, 0.3, 0.1], [0.45, 0.5, 0.05], [0.95, 0, 0.05],
                      [0.5, 0.4, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]])
    table = operating_points(y, probs, CLASSES, [0.9]).set_index(["class", "rule"])
    a = table.loc[("a", "argmax")]  # called a: windows 0, 2, 3 -> TP 2, FP 1, FN 1, TN 2
    assert (a["tp"], a["fp"], a["fn"], a["tn"]) == (2, 1, 1, 2)
    assert a["sensitivity"] == pytest.approx(2 / 3) and a["specificity"] == pytest.approx(2 / 3)
    assert a["ppv"] == pytest.approx(2 / 3)
    strict = table.loc[("a", "p >= 0.9")]  # only window 2
    assert (strict["sensitivity"], strict["specificity"], strict["ppv"]) == (pytest.approx(1 / 3), 1.0, 1.0)
    assert np.isnan(table.loc[("c", "p >= 0.9"), "ppv"])  # nothing called c: PPV undefined
