"""Scores against a ground truth: activation time error, map pairing, Dice, class shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signalrnn.errors import SignalrnnError
from signalrnn.mapping import (
    ElectrodeLayout,
    activation_time_error_ms,
    class_share_error,
    class_shares,
    dice,
    match_maps,
    median_absolute_error_ms,
)


def test_dice_of_identical_masks_is_1_and_of_disjoint_masks_0():
    mask = np.array([True, True, False, False, True])
    assert dice(mask, mask.copy()) == 1.0
    assert dice(mask, ~mask) == 0.0


def test_dice_counts_twice_the_overlap_over_both_sizes():
    a = np.array([[True, True, False], [False, False, False]])
    b = np.array([[True, False, False], [False, False, True]])
    assert dice(a, b) == pytest.approx(2 * 1 / (2 + 2))
    assert dice(np.zeros(4, bool), np.zeros(4, bool)) == 1.0  # nothing to find, nothing found


@pytest.mark.parametrize(("a", "b", "message"), [
    (np.zeros(3, bool), np.zeros(4, bool), "shapes"),
    (np.zeros(3), np.zeros(3, bool), "boolean"),
])
def test_dice_refuses_masks_it_cannot_compare(a, b, message):
    with pytest.raises(SignalrnnError, match=message):
        dice(a, b)


def test_activation_time_error_is_signed_per_map_and_electrode():
    truth = np.array([[10.0, 20.0, np.nan], [200.0, 210.0, 220.0]])
    estimate = np.array([[11.0, 17.0, 30.0], [200.0, np.nan, 224.0]])
    np.testing.assert_array_equal(activation_time_error_ms(estimate, truth),
                                  [[1.0, -3.0, np.nan], [0.0, np.nan, 4.0]])
    assert median_absolute_error_ms(estimate, truth) == pytest.approx(2.0)  # |1|, |-3|, 0, 4
    assert np.isnan(median_absolute_error_ms(np.full((1, 2), np.nan), np.zeros((1, 2))))
    with pytest.raises(SignalrnnError, match="match_maps"):
        activation_time_error_ms(estimate[:1], truth)


def test_match_maps_pairs_each_true_map_with_its_estimate():
    rng = np.random.default_rng(3)
    truth = 100.0 + 180.0 * np.arange(6)[:, None] + rng.uniform(0, 40, (6, 12))
    estimate = truth[[0, 1, 3, 4, 5]] + rng.normal(0, 1.0, (5, 12))  # map 2 missed
    estimate = np.vstack([estimate, np.full((1, 12), 5000.0)])  # one spurious map
    rows, cols = match_maps(estimate, truth)
    assert cols.tolist() == [0, 1, 3, 4, 5]
    assert rows.tolist() == [0, 1, 2, 3, 4]
    assert median_absolute_error_ms(estimate[rows], truth[cols]) < 2.0


def test_class_shares_per_electrode(tmp_path):
    layout = ElectrodeLayout.regular(1, 3, 2.0)
    truth = pd.DataFrame({"channel": ["A01", "A01", "A01", "A01", "A02", "A02"],
                          "class": ["single", "fractionated", "single", "fractionated", "single",
                                    "single"]})
    np.testing.assert_array_equal(class_shares(truth, layout, "fractionated"), [0.5, 0.0, np.nan])
    estimated = pd.DataFrame({"channel": [0, 0, 1, 1, 2], "class": ["fractionated"] * 3 + ["single"] * 2})
    np.testing.assert_array_equal(class_share_error(estimated, truth, layout, "fractionated"),
                                  [0.5, 0.5, np.nan])
    with pytest.raises(SignalrnnError, match="no column 'class'"):
        class_shares(truth.rename(columns={"class": "label"}), layout, "fractionated")
