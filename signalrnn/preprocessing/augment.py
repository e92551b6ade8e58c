"""Noise augmentation of training windows: band-limited Gaussian noise at a random SNR, so that
the model learns the potentials' shapes rather than one noise level (robustness to SNR)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from signalrnn.preprocessing.filters import design_sos
from signalrnn.preprocessing.window import normalize


@dataclass(frozen=True)
class NoiseAugmentation:
    """Adds noise to a ``fraction`` of the windows of each batch.

    The noise is white Gaussian noise passed through the filter step's own band-pass and notch
    (``sos``, at the windows' rate), so that it occupies the band the model sees. Its power is set
    per window and channel to an SNR drawn uniformly from ``snr_db`` (dB, window power over noise
    power); the window is then normalised again as in the window step.
    """

    snr_db: tuple[float, float]
    fraction: float
    sos: np.ndarray | None
    normalize: str

    @classmethod
    def from_config(cls, config: dict, fs_hz: float) -> NoiseAugmentation | None:
        """From ``train.noise_augmentation`` for windows at ``fs_hz``; None when its snr_db is null."""
        settings = config["train"]["noise_augmentation"]
        if settings["snr_db"] is None:
            return None
        return cls(tuple(settings["snr_db"]), settings["fraction"],
                   design_sos(config["filter"], fs_hz), config["window"]["normalize"])

    def __call__(self, windows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """``windows`` (windows, samples, channels) with noise added to a random ``fraction``."""
        chosen = np.flatnonzero(rng.random(len(windows)) < self.fraction)
        if not len(chosen):
            return windows
        picked = windows[chosen].astype(np.float64)
        n, length, channels = picked.shape
        noise = rng.standard_normal((n, 3 * length, channels))
        if self.sos is not None:
            noise = signal.sosfiltfilt(self.sos, noise, axis=1)
        noise = noise[:, length:2 * length]  # the middle third: no filter edge effects
        noise /= noise.std(axis=1, keepdims=True) + 1e-12
        snr_db = rng.uniform(*self.snr_db, size=(n, 1, channels))
        picked += noise * picked.std(axis=1, keepdims=True) * 10 ** (-snr_db / 20)
        out = windows.copy()
        out[chosen] = normalize(picked, self.normalize)
        return out
