"""CARTO CFAE indices: ICL, ACI, SCI."""

from __future__ import annotations

import math

import pytest

from signalrnn.measures import carto_cfae

from .signals import FS_HZ, deflection_train

#: Low-voltage deflections inside the CARTO window 0.05-0.15 mV (= 10-30 x the 0.005 mV noise).
SMALL_MV = 0.1


def test_low_voltage_deflections_every_100_ms_give_icl_24_per_2_5_s():
    result = carto_cfae(deflection_train(2.5, 100.0, amplitude_mv=SMALL_MV), FS_HZ)
    assert result.n_complexes == 25
    assert result.icl == 24  # every interval lies in 70-120 ms
    assert result.aci_ms == pytest.approx(100.0, abs=1.0)
    assert result.sci_ms == pytest.approx(100.0, abs=2.0)
    assert result.reliable
    assert result.is_cfae  # ICL >= 7


def test_intervals_outside_70_120_ms_are_not_counted_by_the_icl_but_enter_aci_and_sci():
    result = carto_cfae(deflection_train(2.5, 150.0, amplitude_mv=SMALL_MV), FS_HZ)
    assert result.icl == 0
    assert result.aci_ms == pytest.approx(150.0, abs=1.0)
    assert result.sci_ms == pytest.approx(150.0, abs=2.0)
    assert not result.is_cfae


def test_the_icl_interval_range_is_a_parameter():
    x = deflection_train(2.5, 65.0, amplitude_mv=SMALL_MV)
    assert carto_cfae(x, FS_HZ).icl == 0
    assert carto_cfae(x, FS_HZ, interval_range_ms=(60.0, 120.0)).icl >= 35


def test_deflections_above_the_upper_voltage_threshold_are_ignored():
    result = carto_cfae(deflection_train(2.5, 100.0, amplitude_mv=1.0), FS_HZ)
    assert result.n_complexes == 0
    assert result.icl == 0
    assert math.isnan(result.aci_ms)
    assert math.isnan(result.sci_ms)


def test_deflections_below_the_lower_voltage_threshold_are_ignored():
    assert carto_cfae(deflection_train(2.5, 100.0, amplitude_mv=0.02), FS_HZ).n_complexes == 0


def test_deflections_closer_than_the_complex_gap_form_one_complex():
    x = deflection_train(2.5, 100.0, amplitude_mv=SMALL_MV, extra_offsets_ms=(15.0,))
    result = carto_cfae(x, FS_HZ)
    assert result.n_complexes == 25
    assert result.icl == 24
    assert result.sci_ms == pytest.approx(100.0, abs=2.0)


def test_the_revised_cut_offs_on_alternating_55_and_95_ms_complex_intervals():
    x = deflection_train(2.5, 150.0, amplitude_mv=SMALL_MV, extra_offsets_ms=(55.0,))
    result = carto_cfae(x, FS_HZ)
    assert result.icl == 16  # only the 95 ms intervals lie in 70-120 ms
    assert result.aci_ms == pytest.approx(75.0, abs=1.0)
    assert result.sci_ms == pytest.approx(55.0, abs=2.0)
    assert result.is_cfae  # ICL >= 7
    assert result.is_cfae_revised  # ICL >= 4, ACI <= 82 ms, SCI <= 58 ms


def test_a_5_s_segment_is_two_windows_and_the_icl_is_per_window():
    result = carto_cfae(deflection_train(5.0, 100.0, amplitude_mv=SMALL_MV), FS_HZ)
    assert result.n_windows == 2
    assert result.icl == 24


def test_a_segment_shorter_than_2_5_s_is_flagged():
    result = carto_cfae(deflection_train(2.0, 100.0, amplitude_mv=SMALL_MV), FS_HZ)
    assert not result.reliable
    assert result.icl == 19


def test_the_window_in_mv_and_as_noise_multiples_agree_on_calibrated_signals():
    x = deflection_train(2.5, 100.0, amplitude_mv=SMALL_MV)
    in_mv = carto_cfae(x, FS_HZ, window_mv=(0.05, 0.15))
    assert in_mv.threshold_source == "mv"
    assert in_mv.window == (0.05, 0.15)
    assert in_mv.icl == carto_cfae(x, FS_HZ).icl == 24


def test_uncalibrated_recordings_need_the_noise_relative_window():
    x = 1000.0 * deflection_train(2.5, 100.0, amplitude_mv=SMALL_MV)
    assert carto_cfae(x, FS_HZ).icl == 24
    assert carto_cfae(x, FS_HZ, window_mv=(0.05, 0.15)).icl == 0  # the deflections lie far "above 0.15 mV"
