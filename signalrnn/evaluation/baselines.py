"""The rule to beat: classify potentials by counting their deflections, as in the literature.

A deflection is a stretch of falling signal (negative slope, between two zero crossings of the
slope) whose steepest slope and whose fall (amplitude) both reach a fraction of the largest in
the window. The rule counts the deflections, measures the interval from the first to the last
steepest downslope and applies the class definitions (``potentials.potential_class``).

The thresholds are relative, so the rule is scale-free: it reads the same z-scored windows as
the model (an affine change of a window changes no decision), and it needs no calibration in mV,
which many recordings lack. Clinical studies use fixed thresholds in mV and mV/ms instead; those
do not carry over between patients whose amplitudes differ several-fold. The two fractions and
the length of the slope filter are chosen on the validation split, from the grids below, by
macro-F1; the test split is never used.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np
from scipy.signal import savgol_filter

from signalrnn.data.potentials import potential_class
from signalrnn.evaluation.metrics import classification_metrics

if TYPE_CHECKING:  # the rule itself needs no Keras
    from signalrnn.preprocessing.dataset import WindowSet

SMOOTH_MS = (2.0, 3.0, 5.0)
SLOPE_FRACTIONS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
AMPLITUDE_FRACTIONS = (0.05, 0.1, 0.2, 0.3, 0.4)


def find_deflections(windows: np.ndarray, fs_hz: float, smooth_ms: float) -> dict[str, np.ndarray]:
    """Every falling stretch of the first channel of ``windows`` (n, samples, channels).

    Returns equal-length arrays: ``window`` (index), ``time_ms`` of the steepest downslope from
    the window start, ``slope`` (steepest fall, units per ms, positive) and ``amplitude`` (fall
    across the stretch), ordered by window.
    """
    x = windows[:, :, 0].astype(float)
    length = max(3, int(round(smooth_ms * fs_hz / 1000)) | 1)
    slope = savgol_filter(x, length, 2, deriv=1, delta=1000 / fs_hz, axis=1)
    falling = slope < 0
    starts = falling & ~np.pad(falling, ((0, 0), (1, 0)))[:, :-1]
    stretch = (np.cumsum(starts) - 1)[falling.ravel()]  # stretch id of every falling sample
    window, sample = np.nonzero(falling)
    slopes, values = slope[falling], x[falling]
    by_steepness = np.lexsort((slopes, stretch))
    steepest = by_steepness[np.r_[True, np.diff(stretch[by_steepness]) != 0]]
    first = np.flatnonzero(np.r_[True, np.diff(stretch) != 0])
    return {
        "window": window[steepest],
        "time_ms": sample[steepest] * 1000 / fs_hz,
        "slope": -slopes[steepest],
        "amplitude": np.maximum.reduceat(values, first) - np.minimum.reduceat(values, first),
    }


def apply_rule(deflections: dict[str, np.ndarray], n_windows: int, rule: dict) -> np.ndarray:
    """Class name of each window: count the deflections that pass the rule's thresholds.

    ``rule`` holds ``slope_fraction``, ``amplitude_fraction`` and ``double_cut_ms``.
    """
    window, slope, amplitude = deflections["window"], deflections["slope"], deflections["amplitude"]
    steepest, largest = np.zeros(n_windows), np.zeros(n_windows)
    np.maximum.at(steepest, window, slope)
    np.maximum.at(largest, window, amplitude)
    keep = ((slope >= rule["slope_fraction"] * steepest[window])
            & (amplitude >= rule["amplitude_fraction"] * largest[window]))
    first, last = np.full(n_windows, np.inf), np.full(n_windows, -np.inf)
    np.minimum.at(first, window[keep], deflections["time_ms"][keep])
    np.maximum.at(last, window[keep], deflections["time_ms"][keep])
    count = np.bincount(window[keep], minlength=n_windows)
    return potential_class(count, np.where(count > 0, last - first, 0.0), rule["double_cut_ms"])


def fit_rule(windows: np.ndarray, labels: np.ndarray, fs_hz: float, classes: list[str],
             double_cut_ms: float) -> dict:
    """The rule of the grids with the best macro-F1 on ``windows`` and ``labels`` (first on ties).

    A rule holds ``smooth_ms``, ``slope_fraction``, ``amplitude_fraction`` and ``double_cut_ms``.
    """
    best, best_f1 = {}, -1.0
    for smooth_ms in SMOOTH_MS:
        deflections = find_deflections(windows, fs_hz, smooth_ms)
        for slope_fraction, amplitude_fraction in itertools.product(SLOPE_FRACTIONS,
                                                                    AMPLITUDE_FRACTIONS):
            rule = {"smooth_ms": smooth_ms, "slope_fraction": slope_fraction,
                    "amplitude_fraction": amplitude_fraction, "double_cut_ms": double_cut_ms}
            predicted = class_indices(apply_rule(deflections, len(labels), rule), classes)
            f1 = classification_metrics(labels, predicted, classes, "val")["macro_f1"]
            if f1 > best_f1:
                best, best_f1 = rule, f1
    return best


def class_indices(names: np.ndarray, classes: list[str]) -> np.ndarray:
    """Index of each class name in ``classes``."""
    index = {name: i for i, name in enumerate(classes)}
    return np.array([index[name] for name in names], dtype=int)


def predict(windows: np.ndarray, fs_hz: float, rule: dict, classes: list[str]) -> np.ndarray:
    """Class index of each window (n, samples, channels) by ``rule``."""
    deflections = find_deflections(windows, fs_hz, rule["smooth_ms"])
    return class_indices(apply_rule(deflections, len(windows), rule), classes)


def _all_windows(window_set: WindowSet) -> tuple[np.ndarray, float]:
    return window_set.take(np.arange(len(window_set))), float(window_set.index["fs_hz"].iat[0])


def fit_on(window_set: WindowSet, double_cut_ms: float) -> dict:
    """The rule fitted on every window of ``window_set`` (the validation split)."""
    windows, fs_hz = _all_windows(window_set)
    return fit_rule(windows, window_set.labels, fs_hz, window_set.classes, double_cut_ms)


def predict_windows(window_set: WindowSet, rule: dict) -> np.ndarray:
    """Class index of every window of ``window_set`` by ``rule``."""
    windows, fs_hz = _all_windows(window_set)
    return predict(windows, fs_hz, rule, window_set.classes)
