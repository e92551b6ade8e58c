"""All indices of one segment at once, for a per-channel, per-segment table."""

from __future__ import annotations

import math

import pytest

from signalrnn.measures import carto_cfae, cfe_mean, egm_indices, shannon_entropy, spectral_indices

from .signals import FS_HZ, deflection_train

EXPECTED_NAMES = {
    "duration_s",
    "noise_level",
    "thresholds_mv",
    "cfe_mean_ms",
    "cfe_sd_ms",
    "n_deflections",
    "cfe_reliable",
    "icl",
    "aci_ms",
    "sci_ms",
    "carto_reliable",
    "dominant_frequency_hz",
    "organisation_index",
    "regularity_index",
    "entropy_bits",
}


def test_every_index_is_named_with_its_unit_and_matches_its_own_function():
    x = deflection_train(5.0, 150.0)
    row = egm_indices(x, FS_HZ).as_dict()
    assert set(row) == EXPECTED_NAMES
    assert row["duration_s"] == 5.0
    assert row["cfe_mean_ms"] == pytest.approx(150.0, abs=1.0)
    assert row["cfe_mean_ms"] == cfe_mean(x, FS_HZ).cfe_mean_ms
    assert row["icl"] == carto_cfae(x, FS_HZ).icl
    assert row["dominant_frequency_hz"] == pytest.approx(1000.0 / 150.0, abs=0.1)
    assert row["organisation_index"] == spectral_indices(x, FS_HZ).organisation_index
    assert row["entropy_bits"] == shannon_entropy(x)
    assert row["cfe_reliable"] and row["carto_reliable"] and not row["thresholds_mv"]


def test_an_uncalibrated_copy_gives_the_same_indices_with_noise_relative_thresholds():
    x = deflection_train(5.0, 100.0, amplitude_mv=0.1)
    calibrated = egm_indices(x, FS_HZ).as_dict()
    uncalibrated = egm_indices(1000.0 * x, FS_HZ).as_dict()
    assert uncalibrated.pop("noise_level") == pytest.approx(1000.0 * calibrated.pop("noise_level"))
    assert uncalibrated == pytest.approx(calibrated, nan_ok=True)
    assert calibrated["icl"] == 2 * 24 / 2  # 24 intervals of 100 ms in each 2.5-s window


def test_thresholds_in_mv_agree_with_noise_relative_ones_on_a_calibrated_recording():
    x = deflection_train(5.0, 100.0, amplitude_mv=0.1)
    in_mv = egm_indices(x, FS_HZ, thresholds="mv")
    relative = egm_indices(x, FS_HZ)
    assert in_mv.thresholds_mv
    assert in_mv.cfe_mean_ms == pytest.approx(relative.cfe_mean_ms, abs=1.0)
    assert in_mv.icl == relative.icl == 24
    assert in_mv.entropy_bits == pytest.approx(relative.entropy_bits, abs=0.5)


def test_a_2_s_segment_is_flagged_short_for_both_time_domain_indices():
    result = egm_indices(deflection_train(2.0, 150.0), FS_HZ)
    assert not result.cfe_reliable
    assert not result.carto_reliable
    assert result.cfe_mean_ms == pytest.approx(150.0, abs=1.0)


def test_a_flat_segment_gives_nan_intervals_and_zero_entropy():
    result = egm_indices(deflection_train(5.0, 150.0, amplitude_mv=0.0, noise_mv=0.0), FS_HZ)
    assert result.n_deflections == 0
    assert math.isnan(result.cfe_mean_ms)
    assert math.isnan(result.dominant_frequency_hz)
    assert result.entropy_bits == 0.0
