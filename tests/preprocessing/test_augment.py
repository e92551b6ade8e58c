"""Noise augmentation: band-limited noise at the SNR asked for, on the share of windows asked for,
seeded so that training stays reproducible; validation and test windows never see it."""

import numpy as np
import pytest

from signalrnn.model.train import TrainingBatches
from signalrnn.preprocessing.augment import NoiseAugmentation
from signalrnn.preprocessing.dataset import WindowSet
from signalrnn.preprocessing.filters import design_sos
from tests.helpers import write_windows

FS_HZ = 1000.0
LOWPASS = {"bandpass_hz": [1.0, 40.0], "order": 4, "notch_hz": None}


def sine_windows(n: int = 64, length: int = 400) -> np.ndarray:
    """``n`` windows (length samples, 1 channel) of a 10 Hz sine of unit RMS."""
    t = np.arange(length) / FS_HZ
    return np.tile(np.sqrt(2) * np.sin(2 * np.pi * 10 * t)[None, :, None], (n, 1, 1)).astype(np.float32)


def noise_of(augment: NoiseAugmentation, windows: np.ndarray, seed: int = 0) -> np.ndarray:
    return augment(windows, np.random.default_rng(seed)).astype(np.float64) - windows


def test_noise_has_the_snr_drawn_from_the_range():
    windows = sine_windows()
    noise = noise_of(NoiseAugmentation((10.0, 10.0), 1.0, design_sos(LOWPASS, FS_HZ), "none"), windows)
    snr_db = 10 * np.log10(windows.var(axis=1) / noise.var(axis=1))
    assert np.allclose(snr_db, 10.0, atol=0.5)


def test_noise_stays_in_the_filter_band():
    windows = sine_windows()
    noise = noise_of(NoiseAugmentation((0.0, 0.0), 1.0, design_sos(LOWPASS, FS_HZ), "none"), windows)
    power = np.abs(np.fft.rfft(noise[:, :, 0], axis=1)) ** 2
    freqs = np.fft.rfftfreq(windows.shape[1], 1 / FS_HZ)
    assert power[:, freqs > 100].sum() < 0.01 * power.sum()


def test_only_the_given_fraction_of_windows_changes():
    windows = sine_windows(n=2000, length=50)
    noise = noise_of(NoiseAugmentation((0.0, 30.0), 0.3, None, "none"), windows)
    changed = np.abs(noise).max(axis=(1, 2)) > 0
    assert changed.mean() == pytest.approx(0.3, abs=0.05)
    assert not np.abs(noise_of(NoiseAugmentation((0.0, 30.0), 0.0, None, "none"), windows)).any()


def test_noisy_windows_are_normalised_again():
    windows = sine_windows()
    noisy = NoiseAugmentation((0.0, 5.0), 1.0, None, "zscore")(windows, np.random.default_rng(0))
    assert np.allclose(noisy.mean(axis=1), 0, atol=1e-4) and np.allclose(noisy.std(axis=1), 1, atol=1e-3)


def test_training_batches_get_the_same_noise_whatever_order_they_are_fetched_in(tmp_path):
    write_windows(tmp_path, "r", ["a", "b"] * 20)
    windows = WindowSet(tmp_path, ["r"], ["a", "b"])
    augment = NoiseAugmentation((0.0, 10.0), 0.5, None, "zscore")

    def batches():
        return TrainingBatches(windows, np.ones(2), augment, seed=4, batch_size=8, shuffle=True)

    forward, backward = batches(), batches()
    first = [forward[i][0] for i in range(len(forward))]
    last = [backward[i][0] for i in reversed(range(len(backward)))][::-1]
    assert all(np.array_equal(a, b) for a, b in zip(first, last, strict=True))
    plain = TrainingBatches(windows, np.ones(2), None, seed=4, batch_size=8, shuffle=True)
    assert not np.array_equal(first[0], plain[0][0])
