"""Events for records without annotations: QRS complexes or electrogram activations found by a
detector, or sliding windows."""

from __future__ import annotations

import numpy as np
from scipy.signal import find_peaks
from wfdb import processing


def qrs_samples(signal: np.ndarray, fs_hz: float) -> np.ndarray:
    """Samples of the QRS complexes in one ECG channel (mV), found by wfdb's XQRS detector."""
    found = processing.xqrs_detect(np.asarray(signal, dtype=float), fs_hz, verbose=False)
    return np.asarray(found, dtype=int)


def activation_samples(signal: np.ndarray, fs_hz: float, refractory_ms: float,
                       min_slope_fraction: float = 0.25) -> np.ndarray:
    """Samples of the local activations in one filtered electrogram channel (mV).

    An activation is the steepest negative deflection (a peak of -dV/dt) within ``refractory_ms``
    either side, at least ``min_slope_fraction`` times as steep as the channel's 99th percentile
    of -dV/dt (which keeps noise and broad far-field waves out).
    """
    slope = -np.gradient(np.asarray(signal, dtype=float))
    threshold = min_slope_fraction * np.percentile(slope, 99)
    distance = max(1, round(refractory_ms * fs_hz / 1000))
    found, _ = find_peaks(slope, height=max(threshold, np.finfo(float).tiny), distance=distance)
    return found.astype(int)


def sliding_samples(n_samples: int, n_pre: int, n_post: int, step: int) -> np.ndarray:
    """Anchor samples of windows [s - n_pre, s + n_post) every ``step`` samples, wholly inside the record.

    The first window starts at sample 0; consecutive windows overlap when ``step`` is shorter
    than the window.
    """
    return np.arange(n_pre, n_samples - n_post + 1, step, dtype=int)
