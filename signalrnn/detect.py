"""Events for records without annotations: QRS complexes found by a detector, or sliding windows."""

from __future__ import annotations

import numpy as np
from wfdb import processing


def qrs_samples(signal: np.ndarray, fs_hz: float) -> np.ndarray:
    """Samples of the QRS complexes in one ECG channel (mV), found by wfdb's XQRS detector."""
    found = processing.xqrs_detect(np.asarray(signal, dtype=float), fs_hz, verbose=False)
    return np.asarray(found, dtype=int)


def sliding_samples(n_samples: int, n_pre: int, n_post: int, step: int) -> np.ndarray:
    """Anchor samples of windows [s - n_pre, s + n_post) every ``step`` samples, wholly inside the record.

    The first window starts at sample 0; consecutive windows overlap when ``step`` is shorter
    than the window.
    """
    return np.arange(n_pre, n_samples - n_post + 1, step, dtype=int)
