"""Synthetic bipolar electrograms whose indices are known in advance."""

from __future__ import annotations

import numpy as np

FS_HZ = 1000.0
#: Noise standard deviation of the synthetic recordings (mV): the nominal clinical noise.
NOISE_MV = 0.005


def biphasic(t_s: np.ndarray, centre_s: float, amplitude_mv: float, sd_ms: float) -> np.ndarray:
    """One biphasic deflection (derivative of a Gaussian): up to +A/2 then down to -A/2.

    Its downstroke is centred on ``centre_s``; its peak-to-peak amplitude is ``amplitude_mv``;
    the peaks lie ``sd_ms`` before and after the centre.
    """
    u = (t_s - centre_s) / (sd_ms / 1000.0)
    return -(amplitude_mv / 2.0) * u * np.exp(0.5 - u * u / 2.0)


def deflection_train(
    duration_s: float,
    cycle_ms: float,
    *,
    amplitude_mv: float = 1.0,
    sd_ms: float = 2.0,
    noise_mv: float = NOISE_MV,
    extra_offsets_ms: tuple[float, ...] = (),
    fs_hz: float = FS_HZ,
    seed: int = 0,
) -> np.ndarray:
    """Biphasic deflections every ``cycle_ms`` (the first at half a cycle), plus white noise.

    ``extra_offsets_ms`` adds, after each deflection, further deflections at those offsets.
    """
    t = np.arange(int(round(duration_s * fs_hz))) / fs_hz
    x = np.zeros_like(t)
    for centre in deflection_times_s(duration_s, cycle_ms):
        for offset_ms in (0.0, *extra_offsets_ms):
            x += biphasic(t, centre + offset_ms / 1000.0, amplitude_mv, sd_ms)
    return x + np.random.default_rng(seed).normal(0.0, noise_mv, t.size)


def deflection_times_s(duration_s: float, cycle_ms: float) -> np.ndarray:
    """Centres (s) of the deflections of :func:`deflection_train`, all at least 10 ms from the ends."""
    centres = np.arange(cycle_ms / 2000.0, duration_s, cycle_ms / 1000.0)
    return centres[centres <= duration_s - 0.01]


def white_noise(duration_s: float, sd: float = 1.0, *, fs_hz: float = FS_HZ, seed: int = 1) -> np.ndarray:
    """Gaussian white noise of standard deviation ``sd``."""
    return np.random.default_rng(seed).normal(0.0, sd, int(round(duration_s * fs_hz)))
