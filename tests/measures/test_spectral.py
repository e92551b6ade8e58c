"""Dominant frequency, organisation index and regularity index."""

from __future__ import annotations

import math

import numpy as np
import pytest

from signalrnn.measures import (
    botteron_preprocess,
    dominant_frequency,
    organisation_index,
    regularity_index,
    spectral_indices,
)

from .signals import FS_HZ, NOISE_MV, biphasic, deflection_train, white_noise


def test_a_train_every_150_ms_has_its_dominant_frequency_at_1000_over_150_hz():
    result = spectral_indices(deflection_train(5.0, 150.0), FS_HZ)
    assert result.dominant_frequency_hz == pytest.approx(1000.0 / 150.0, abs=0.1)
    assert result.organisation_index > 0.95  # all power at the DF and its harmonics
    assert result.regularity_index > 0.5  # the 13.3 Hz harmonic also lies in 3-15 Hz


@pytest.mark.parametrize("cycle_ms", [100.0, 180.0, 250.0])
def test_the_dominant_frequency_follows_the_activation_rate(cycle_ms):
    df = dominant_frequency(deflection_train(5.0, cycle_ms), FS_HZ)
    assert df == pytest.approx(1000.0 / cycle_ms, abs=0.1)


def test_white_noise_is_disorganised_and_irregular():
    train = spectral_indices(deflection_train(5.0, 150.0), FS_HZ)
    for seed in range(3):
        noise = spectral_indices(white_noise(5.0, seed=seed), FS_HZ)
        assert noise.organisation_index < 0.5 < train.organisation_index
        assert noise.regularity_index < 0.35 < train.regularity_index


def test_the_single_index_functions_agree_with_spectral_indices():
    x = deflection_train(5.0, 120.0)
    both = spectral_indices(x, FS_HZ)
    assert dominant_frequency(x, FS_HZ) == both.dominant_frequency_hz
    assert organisation_index(x, FS_HZ) == both.organisation_index
    assert regularity_index(x, FS_HZ) == both.regularity_index


def test_spectral_indices_do_not_depend_on_the_amplitude_scale():
    x = deflection_train(5.0, 150.0)
    reference = spectral_indices(x, FS_HZ)
    for gain in (1e-3, 1e3):
        scaled = spectral_indices(gain * x, FS_HZ)
        assert scaled.dominant_frequency_hz == reference.dominant_frequency_hz
        assert scaled.organisation_index == pytest.approx(reference.organisation_index)
        assert scaled.regularity_index == pytest.approx(reference.regularity_index)


def test_a_jittered_train_is_less_regular_than_a_periodic_one():
    rng = np.random.default_rng(7)
    t = np.arange(int(5 * FS_HZ)) / FS_HZ
    centres = np.cumsum(rng.uniform(0.08, 0.22, 40))  # cycle lengths 80-220 ms, mean 150 ms
    jittered = rng.normal(0.0, NOISE_MV, t.size)
    for centre in centres[centres < 4.95]:
        jittered += biphasic(t, centre, 1.0, sd_ms=2.0)
    regular = spectral_indices(deflection_train(5.0, 150.0), FS_HZ)
    irregular = spectral_indices(jittered, FS_HZ)
    assert irregular.organisation_index < regular.organisation_index
    assert irregular.regularity_index < regular.regularity_index


def test_botteron_preprocessing_removes_slow_waves_and_keeps_sharp_deflections():
    t = np.arange(int(5 * FS_HZ)) / FS_HZ
    slow = np.sin(2 * np.pi * 5.0 * t)  # 1 mV peak, far below the 40 Hz band-pass corner
    sharp = deflection_train(5.0, 150.0, noise_mv=0.0)
    assert botteron_preprocess(slow, FS_HZ).max() < 0.01
    envelope = botteron_preprocess(sharp, FS_HZ)
    assert envelope.shape == sharp.shape
    assert envelope.max() > 0.1


def test_a_low_sampling_rate_lowers_the_band_pass_high_corner():
    x = deflection_train(5.0, 150.0, fs_hz=400.0)
    assert dominant_frequency(x, 400.0) == pytest.approx(1000.0 / 150.0, abs=0.1)


def test_a_constant_segment_has_no_dominant_frequency():
    result = spectral_indices(np.zeros(5000), FS_HZ)
    assert math.isnan(result.dominant_frequency_hz)
    assert math.isnan(result.organisation_index)
    assert math.isnan(result.regularity_index)
