"""Stacking the LSTM and its companion: what is chosen on validation, and how."""

import numpy as np
import pytest

from signalrnn.errors import SignalrnnError
from signalrnn.evaluation.metrics import ec57_metrics
from signalrnn.evaluation.stacking import (
    Criterion,
    choose_costs,
    choose_weight,
    combine,
    score,
    screening_counts,
    screening_rates,
    screening_threshold,
    with_costs,
)

CLASSES = ["N", "SVEB", "VEB", "F", "Q"]
ALL = Criterion(CLASSES, "N")
EC57 = Criterion(CLASSES, "N", ["N", "SVEB", "VEB"])


def one_hot(labels, n=5, confidence=0.9):
    probs = np.full((len(labels), n), (1 - confidence) / (n - 1))
    probs[np.arange(len(labels)), labels] = confidence
    return probs


def test_the_weight_goes_to_the_model_that_is_right_on_validation():
    y = np.array([0, 0, 1, 2, 0, 1])
    right, wrong = one_hot(y), one_hot(np.zeros(6, int))
    assert choose_weight(y, right, wrong, [0.0, 0.5, 1.0], ALL)[0] == 1.0
    assert choose_weight(y, wrong, right, [0.0, 0.5, 1.0], ALL)[0] == 0.0


def test_equal_models_get_equal_weight():
    y = np.array([0, 1, 2])
    assert choose_weight(y, one_hot(y), one_hot(y), [0.0, 0.3, 0.5, 1.0], ALL)[0] == 0.5


def test_combination_is_the_weighted_mean():
    a, b = one_hot([0]), one_hot([1])
    np.testing.assert_allclose(combine(a, b, 0.25), 0.25 * a + 0.75 * b)


def test_a_class_absent_from_validation_loses_the_beats_it_would_take():
    # validation has N and VEB only; the model calls some N beats F (p_F slightly above p_N)
    y = np.array([0] * 8 + [2] * 2)
    probs = one_hot(y)
    probs[:3] = [0.45, 0.0, 0.0, 0.55, 0.0]
    costs = choose_costs(y, probs, [0.125, 0.25, 0.5, 1, 2, 4], ALL)
    assert costs[CLASSES.index("N")] == 1
    assert costs[CLASSES.index("F")] < 1
    assert (with_costs(probs, costs).argmax(axis=1) == y).all()


def test_costs_stay_at_one_where_moving_them_does_not_help():
    y = np.array([0, 0, 1, 2])
    costs = choose_costs(y, one_hot(y), [0.5, 1, 2], ALL)
    np.testing.assert_array_equal(costs, np.ones(5))


def test_costs_keep_rows_summing_to_one():
    probs = with_costs(one_hot([0, 3]), np.array([1, 1, 1, 0.125, 1]))
    np.testing.assert_allclose(probs.sum(axis=1), 1)


def test_ec57_does_not_count_fusion_called_veb_as_a_false_veb():
    cm = np.zeros((5, 5), int)
    cm[0, 0], cm[2, 2], cm[3, 2], cm[0, 3] = 90, 10, 5, 10   # 5 F called VEB, 10 N called F
    ec57 = ec57_metrics(cm, CLASSES)
    assert ec57["VEB"]["positive_predictivity"] == 1.0
    assert ec57["n_called_f"] == pytest.approx(0.1)
    cm[0, 2] = 10                                           # 10 N called VEB are false positives
    assert ec57_metrics(cm, CLASSES)["VEB"]["positive_predictivity"] == pytest.approx(0.5)


def test_ec57_does_not_count_q_called_sveb_but_counts_fusion_called_sveb():
    cm = np.zeros((5, 5), int)
    cm[1, 1], cm[4, 1] = 10, 10
    assert ec57_metrics(cm, CLASSES)["SVEB"]["positive_predictivity"] == 1.0
    cm[3, 1] = 10
    assert ec57_metrics(cm, CLASSES)["SVEB"]["positive_predictivity"] == pytest.approx(0.5)


def test_ec57_needs_the_aami_classes():
    with pytest.raises(SignalrnnError, match="aami.ec57"):
        ec57_metrics(np.eye(2, dtype=int), ["single", "double"])


def test_a_class_left_out_of_the_score_loses_its_calls_even_where_it_is_present():
    # F is present in validation and half its calls are right (all four lean only a little to F)
    y = np.array([0] * 8 + [3] * 2 + [2] * 2)
    probs = one_hot(y)
    probs[:2] = probs[8:10] = [0.4, 0.0, 0.0, 0.6, 0.0]
    everything = choose_costs(y, probs, [0.25, 1, 4], ALL)
    scored = choose_costs(y, probs, [0.25, 1, 4], EC57)
    assert everything[CLASSES.index("F")] == 1          # F's own F1 pays for the two N it takes
    assert scored[CLASSES.index("F")] == 0.25           # unscored, F only takes N
    assert (with_costs(probs, scored).argmax(axis=1)[:8] == 0).all()
    assert score(y, with_costs(probs, scored), CLASSES, ["N", "SVEB", "VEB"]) > score(
        y, with_costs(probs, everything), CLASSES, ["N", "SVEB", "VEB"])


def test_the_screening_threshold_flags_the_aimed_share_of_validation_ectopic_beats():
    y = np.array([0] * 6 + [1, 2, 2, 1])
    probs = one_hot(y)
    probs[6:, 0] = [0.6, 0.5, 0.2, 0.1]                 # ectopic beats of falling confidence
    probs[6:, 1:] = ((1 - probs[6:, 0]) / 4)[:, None]
    positive = [1, 2]
    threshold = screening_threshold(y, probs, positive, 0.75)
    flagged = probs[:, positive].sum(axis=1) >= threshold
    assert flagged[6:].mean() >= 0.75 and not flagged[:6].any()
    counts = screening_counts(y, probs, positive, threshold)
    assert counts == {"tp": 3, "fn": 1, "fp": 0, "tn": 6}
    assert screening_rates(counts)["sensitivity"] == 0.75


def test_no_screening_threshold_without_validation_ectopic_beats():
    assert screening_threshold(np.zeros(3, int), one_hot([0, 0, 0]), [1, 2], 0.9) is None


def test_an_unscored_class_gets_the_lowest_cost_even_where_its_calls_would_pay():
    # two N beats lean to SVEB (false SVEB calls); raising F's cost would call them F instead and
    # raise SVEB's F1, but a test patient would then pay with normal beats called F
    y = np.array([0] * 8 + [1] * 2)
    probs = one_hot(y)
    probs[:2] = [0.3, 0.4, 0.0, 0.3, 0.0]
    assert choose_costs(y, probs, [0.5, 1, 2], EC57)[CLASSES.index("F")] == 0.5
    assert choose_costs(y, probs, [1, 2], ALL)[CLASSES.index("F")] == 2  # scored, F may rise


def test_a_limit_on_normal_beats_called_f_holds_where_f_calls_would_pay():
    # two N beats lean to F, then to SVEB: calling them F spares SVEB's F1
    y = np.array([0] * 8 + [1] * 2)
    probs = one_hot(y)
    probs[:2] = [0.2, 0.35, 0.0, 0.45, 0.0]
    grid = [0.25, 0.5, 1, 2]
    free = choose_costs(y, probs, grid, ALL)
    limited = choose_costs(y, probs, grid, Criterion(CLASSES, "N", limits={"F": 0.1}))
    assert (with_costs(probs, free).argmax(axis=1)[:2] == 3).all()     # N beats called F
    assert np.mean(with_costs(probs, limited).argmax(axis=1)[:8] == 3) <= 0.1
