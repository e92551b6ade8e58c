"""Specification of the per-patient sim-to-real statistics (signalrnn.evaluation.transfer)."""

import math

import pytest

from signalrnn.evaluation.transfer import (
    class_shares,
    contrast_by_patient_bootstrap,
    rate_agreement,
    segment_bounds,
    segment_shares,
    spearman,
)

CLASSES = ["single", "short_double", "long_double", "fractionated"]


def test_class_shares_count_each_class_and_give_zero_to_absent_ones():
    shares = class_shares(["single", "single", "fractionated", "single"], CLASSES)
    assert shares == {"single": 0.75, "short_double": 0.0, "long_double": 0.0, "fractionated": 0.25}


def test_class_shares_of_no_potentials_are_nan():
    assert all(math.isnan(v) for v in class_shares([], CLASSES).values())


def test_rate_agreement_counts_channels_within_tolerance_of_dominant_frequency():
    # 5.0 vs 5 Hz agrees, 6.5 vs 5 Hz is 30 % off, 3.0 vs 4 Hz is 25 % off (agrees), DF NaN dropped
    assert rate_agreement([5.0, 6.5, 3.0, 2.0], [5.0, 5.0, 4.0, float("nan")]) == pytest.approx(2 / 3)


def test_rate_agreement_refuses_lists_of_different_lengths():
    with pytest.raises(ValueError, match="dominant_hz"):
        rate_agreement([1.0, 2.0], [1.0])


def test_spearman_is_minus_one_for_a_decreasing_relation_and_skips_non_finite_pairs():
    result = spearman([0.1, 0.2, 0.3, 0.4, float("nan")], [90.0, 70.0, 60.0, 20.0, 10.0])
    assert result.rho == pytest.approx(-1.0)
    assert result.n == 4


def test_spearman_of_a_constant_series_is_nan():
    assert math.isnan(spearman([0.0, 0.0, 0.0], [1.0, 2.0, 3.0]).rho)


def test_contrast_is_the_ratio_of_group_medians_with_an_interval_around_it():
    shares = {"1": 0.30, "2": 0.40, "3": 0.35, "5": 0.05, "8": 0.10}
    contrast = contrast_by_patient_bootstrap(shares, ["1", "2", "3"], ["5", "8"], seed=1)
    assert contrast.ratio == pytest.approx(0.35 / 0.075)
    assert contrast.low <= contrast.ratio <= contrast.high


def test_contrast_names_a_patient_without_a_share():
    with pytest.raises(ValueError, match="patient\\(s\\) 9"):
        contrast_by_patient_bootstrap({"1": 0.3}, ["1"], ["9"])


def test_segments_are_five_second_blocks_and_drop_the_short_tail():
    assert segment_bounds(12_500, 1000.0) == [(0, 5000), (5000, 10000)]


def test_segment_shares_count_fractionated_potentials_inside_each_segment():
    bounds = [(0, 100), (100, 200), (200, 300)]
    shares = segment_shares([10, 50, 150, 199], ["fractionated", "single", "single", "single"], bounds)
    assert shares[:2] == [0.5, 0.0]
    assert math.isnan(shares[2])
