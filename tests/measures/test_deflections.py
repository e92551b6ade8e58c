"""Deflection detection: the -dV/dt deflections that CFE-mean and the CARTO indices count."""

from __future__ import annotations

import numpy as np
import pytest

from signalrnn.measures import NOMINAL_NOISE_MV, detect_deflections, estimate_noise

from .signals import FS_HZ, NOISE_MV, biphasic, deflection_times_s, deflection_train, white_noise


def test_a_train_every_150_ms_gives_one_deflection_per_beat_at_its_downstroke():
    x = deflection_train(6.0, 150.0)
    found = detect_deflections(x, FS_HZ)
    expected_ms = deflection_times_s(6.0, 150.0) * 1000.0
    assert len(found) == expected_ms.size == 40
    np.testing.assert_allclose(found.times_ms, expected_ms, atol=1.5)
    np.testing.assert_allclose(np.diff(found.times_ms), 150.0, atol=2.0)
    np.testing.assert_allclose(found.amplitudes, 1.0, atol=0.05)
    assert np.all(found.widths_ms <= 15.0)


def test_deflections_closer_than_the_refractory_period_are_counted_once():
    x = deflection_train(6.0, 150.0, extra_offsets_ms=(20.0,))
    assert len(detect_deflections(x, FS_HZ, refractory_ms=40.0)) == 40
    assert len(detect_deflections(x, FS_HZ, refractory_ms=10.0)) == 80


def test_a_broad_far_field_wave_is_not_counted_but_the_same_wave_made_narrow_is():
    t = np.arange(int(6 * FS_HZ)) / FS_HZ
    noise = np.random.default_rng(3).normal(0.0, NOISE_MV, t.size)
    centres = np.arange(0.3, 5.9, 0.6)  # a ventricular rate of 100/min
    broad = sum(biphasic(t, c, 1.0, sd_ms=25.0) for c in centres) + noise
    narrow = sum(biphasic(t, c, 1.0, sd_ms=2.0) for c in centres) + noise
    assert len(detect_deflections(broad, FS_HZ, max_width_ms=15.0)) == 0
    assert len(detect_deflections(narrow, FS_HZ, max_width_ms=15.0)) == centres.size


def test_far_field_waves_under_an_atrial_train_leave_the_atrial_rate():
    t = np.arange(int(6 * FS_HZ)) / FS_HZ
    far_field = sum(biphasic(t, c, 1.0, sd_ms=25.0) for c in np.arange(0.3, 5.9, 0.6))
    found = detect_deflections(deflection_train(6.0, 150.0) + far_field, FS_HZ)
    assert len(found) == 40
    np.testing.assert_allclose(np.diff(found.times_ms), 150.0, atol=3.0)


def test_white_noise_gives_no_deflection_at_the_default_sensitivity():
    for seed in range(5):
        assert len(detect_deflections(white_noise(5.0, seed=seed), FS_HZ)) == 0


def test_the_sensitivity_in_mv_drops_deflections_smaller_than_it():
    x = deflection_train(6.0, 150.0, amplitude_mv=0.025, noise_mv=0.002)
    assert len(detect_deflections(x, FS_HZ, sensitivity_mv=0.05)) == 0
    found = detect_deflections(x, FS_HZ, sensitivity_mv=0.015)
    assert len(found) == 40
    assert found.threshold_source == "mv"
    assert found.sensitivity == 0.015


def test_the_default_sensitivity_is_a_noise_multiple_matching_the_clinical_mv_value():
    x = deflection_train(6.0, 150.0)
    found = detect_deflections(x, FS_HZ)
    assert found.threshold_source == "noise"
    assert found.noise_level == pytest.approx(estimate_noise(x))
    assert found.sensitivity == pytest.approx(8.0 * found.noise_level)
    at_nominal_noise_mv = 8.0 * NOMINAL_NOISE_MV
    assert at_nominal_noise_mv == pytest.approx(0.04)  # NavX: 0.03-0.05 mV


def test_an_explicit_noise_level_sets_the_noise_relative_sensitivity():
    x = deflection_train(6.0, 150.0)
    found = detect_deflections(x, FS_HZ, noise_level=0.01, sensitivity_noise_multiple=5)
    assert found.noise_level == 0.01
    assert found.sensitivity == pytest.approx(0.05)


def test_uncalibrated_amplitudes_give_the_same_deflections_with_noise_relative_thresholds():
    x = deflection_train(6.0, 150.0)
    calibrated = detect_deflections(x, FS_HZ)
    uncalibrated = detect_deflections(1000.0 * x, FS_HZ)
    np.testing.assert_array_equal(uncalibrated.indices, calibrated.indices)
    np.testing.assert_allclose(uncalibrated.amplitudes, 1000.0 * calibrated.amplitudes)
    # whereas a threshold in mV is meaningless there: the noise itself passes 0.04 "mV"
    assert len(detect_deflections(1000.0 * x, FS_HZ, sensitivity_mv=0.04)) > 40


def test_an_optional_band_pass_keeps_the_deflections():
    x = deflection_train(6.0, 150.0, fs_hz=2000.0)
    found = detect_deflections(x, 2000.0, bandpass_hz=(30.0, 500.0))
    assert len(found) == 40


def test_a_constant_segment_has_no_deflection():
    assert len(detect_deflections(np.zeros(3000), FS_HZ)) == 0
    assert len(detect_deflections(np.ones(1), FS_HZ)) == 0


def test_the_noise_estimate_follows_the_baseline_not_the_deflections():
    assert estimate_noise(deflection_train(6.0, 150.0)) == pytest.approx(NOISE_MV, rel=0.2)
    assert estimate_noise(white_noise(5.0, sd=2.0)) == pytest.approx(2.0, rel=0.05)
    clean = deflection_train(6.0, 150.0, noise_mv=0.0)
    assert estimate_noise(clean) == pytest.approx(0.01 * np.ptp(clean), rel=0.01)
