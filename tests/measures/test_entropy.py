"""Shannon entropy of the amplitude histogram."""

from __future__ import annotations

import numpy as np
import pytest

from signalrnn.measures import shannon_entropy

from .signals import FS_HZ, deflection_train, white_noise


def test_a_constant_segment_has_zero_entropy():
    assert shannon_entropy(np.full(1000, 0.3)) == 0.0


def test_samples_spread_evenly_over_16_bins_carry_4_bits():
    ramp = (np.arange(1600) // 100) * 0.01 + 0.005  # 100 samples in each 0.01 mV bin
    assert shannon_entropy(ramp, bin_width_mv=0.01) == pytest.approx(4.0)


def test_a_square_wave_carries_1_bit():
    square = np.tile(np.r_[np.zeros(50), np.ones(50)], 20)
    assert shannon_entropy(square, bin_width_mv=0.01) == pytest.approx(1.0)


def test_white_noise_has_more_entropy_than_a_sinusoid_of_the_same_rms():
    t = np.arange(int(5 * FS_HZ)) / FS_HZ
    sinusoid = np.sqrt(2) * np.sin(2 * np.pi * 6.0 * t)  # rms 1 mV
    noise = white_noise(5.0, sd=1.0)
    assert shannon_entropy(noise, bin_width_mv=0.01) > shannon_entropy(sinusoid, bin_width_mv=0.01) + 0.5


def test_a_discrete_electrogram_has_less_entropy_than_continuous_activity_of_the_same_range():
    discrete = deflection_train(5.0, 150.0)
    continuous = np.random.default_rng(2).uniform(discrete.min(), discrete.max(), discrete.size)
    assert shannon_entropy(discrete, bin_width_mv=0.01) < shannon_entropy(continuous, bin_width_mv=0.01) - 3.0


def test_halving_the_bin_width_adds_about_one_bit():
    noise = white_noise(5.0, sd=1.0)
    wide, narrow = shannon_entropy(noise, bin_width_mv=0.1), shannon_entropy(noise, bin_width_mv=0.05)
    assert narrow - wide == pytest.approx(1.0, abs=0.05)


def test_noise_relative_bins_make_the_entropy_independent_of_the_gain():
    x = deflection_train(5.0, 150.0)
    assert shannon_entropy(1000.0 * x) == pytest.approx(shannon_entropy(x))
    # bins in mV instead resolve 1000 times more levels on the uncalibrated copy
    assert shannon_entropy(1000.0 * x, bin_width_mv=0.01) > shannon_entropy(x, bin_width_mv=0.01) + 5.0


def test_the_default_noise_relative_bin_equals_0_01_mv_at_the_nominal_noise():
    x = deflection_train(5.0, 150.0)
    assert shannon_entropy(x, noise_level=0.005) == pytest.approx(shannon_entropy(x, bin_width_mv=0.01))
