"""Per-patient statistics of a sim-to-real check on real recordings (issue 20 part 4).

A model trained only on synthetic catheter electrograms classifies every potential of the real
records; this module summarises what it says per patient, without ever using the recordings' rhythm
labels for anything but the final AF-against-flutter contrast:

- :func:`class_shares`: the share of each class among a patient's potentials;
- :func:`rate_agreement`: detections per channel-second against the channel's dominant frequency
  (DF, Hz), the share of channel-recordings within a relative tolerance;
- :func:`segment_bounds`, :func:`segment_shares`: a segment is :data:`SEGMENT_S` seconds of one
  channel; its fractionated share is that of the potentials detected inside it;
- :func:`spearman`: rank correlation of the per-segment fractionated share with a clinical index
  (CFE-mean, ICL, organisation index, entropy; :mod:`signalrnn.measures`);
- :func:`contrast_by_patient_bootstrap`: the ratio of median fractionated shares of two patient
  groups (AF against flutter), with a percentile interval from resampling patients with
  replacement within each group (Efron & Tibshirani 1993, ch. 13).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats


def class_shares(labels: Sequence[str], classes: Sequence[str]) -> dict[str, float]:
    """Share (0-1) of each of ``classes`` among ``labels``; NaN for every class when empty."""
    n = len(labels)
    if n == 0:
        return {c: float("nan") for c in classes}
    values, counts = np.unique(np.asarray(labels, dtype=str), return_counts=True)
    found = dict(zip(values.tolist(), counts.tolist(), strict=True))
    return {c: found.get(c, 0) / n for c in classes}


SEGMENT_S = 5.0
"""Length of one segment (s) of one channel: within NavX's 5-8 s and two CARTO 2.5-s windows."""


def segment_bounds(n_samples: int, fs_hz: float, segment_s: float = SEGMENT_S) -> list[tuple[int, int]]:
    """Consecutive, non-overlapping ``(start, stop)`` sample ranges of ``segment_s`` seconds.

    The tail shorter than one segment is dropped, so every segment has the same length.
    """
    length = int(round(segment_s * fs_hz))
    if length <= 0:
        raise ValueError(f"segment_s={segment_s} s at {fs_hz} Hz gives no samples; use a positive length")
    return [(start, start + length) for start in range(0, n_samples - length + 1, length)]


def segment_shares(
    event_samples: Sequence[int],
    labels: Sequence[str],
    bounds: Sequence[tuple[int, int]],
    target: str = "fractionated",
) -> list[float]:
    """Share (0-1) of ``target`` among the potentials whose sample lies in each segment (NaN if none)."""
    at = np.asarray(event_samples, dtype=np.int64)
    is_target = np.asarray(labels, dtype=str) == target
    if at.shape != is_target.shape:
        raise ValueError(f"event_samples has {at.size} values but labels {is_target.size}")
    shares = []
    for start, stop in bounds:
        inside = (at >= start) & (at < stop)
        shares.append(float(is_target[inside].mean()) if inside.any() else float("nan"))
    return shares


def rate_agreement(
    detections_per_s: Sequence[float], dominant_hz: Sequence[float], tolerance: float = 0.25
) -> float:
    """Share (0-1) of channel-recordings whose detection rate (1/s) is within ``tolerance`` of DF.

    A channel counts as agreeing when ``|rate / DF - 1| <= tolerance``; channels with a
    non-finite or non-positive DF are left out (NaN when none is left).
    """
    rate = np.asarray(detections_per_s, dtype=float)
    df = np.asarray(dominant_hz, dtype=float)
    if rate.shape != df.shape:
        raise ValueError(f"detections_per_s has {rate.size} values but dominant_hz {df.size}")
    usable = np.isfinite(df) & (df > 0) & np.isfinite(rate)
    if not usable.any():
        return float("nan")
    return float(np.mean(np.abs(rate[usable] / df[usable] - 1.0) <= tolerance))


@dataclass(frozen=True)
class Correlation:
    """Spearman rank correlation ``rho`` of ``n`` finite pairs (NaN below three pairs)."""

    rho: float
    n: int


def spearman(x: Sequence[float], y: Sequence[float]) -> Correlation:
    """Spearman's rho of the pairs where both ``x`` and ``y`` are finite."""
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    keep = np.isfinite(a) & np.isfinite(b)
    n = int(keep.sum())
    if n < 3 or np.ptp(a[keep]) == 0 or np.ptp(b[keep]) == 0:
        return Correlation(float("nan"), n)
    return Correlation(float(stats.spearmanr(a[keep], b[keep]).statistic), n)


@dataclass(frozen=True)
class Contrast:
    """Ratio of group medians with a bootstrap percentile interval over patients."""

    ratio: float
    low: float
    high: float
    n_resamples: int


def contrast_by_patient_bootstrap(
    share_by_patient: Mapping[str, float],
    group_a: Sequence[str],
    group_b: Sequence[str],
    *,
    n_resamples: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> Contrast:
    """Median share of ``group_a`` patients over that of ``group_b``, resampling patients.

    Each resample draws, with replacement, as many patients from each group as it holds and takes
    the ratio of the two medians; the interval is the ``level`` percentile interval of the
    resampled ratios that are finite (a zero median in ``group_b`` gives an infinite ratio).
    """
    missing = [p for p in (*group_a, *group_b) if p not in share_by_patient]
    if missing:
        raise ValueError(f"no fractionated share for patient(s) {', '.join(missing)}")
    if not group_a or not group_b:
        raise ValueError("both patient groups need at least one patient")
    a = np.array([share_by_patient[p] for p in group_a], dtype=float)
    b = np.array([share_by_patient[p] for p in group_b], dtype=float)
    rng = np.random.default_rng(seed)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = float(np.median(a) / np.median(b))
        ra = np.median(rng.choice(a, size=(n_resamples, a.size)), axis=1)
        rb = np.median(rng.choice(b, size=(n_resamples, b.size)), axis=1)
        resampled = ra / rb
    finite = resampled[np.isfinite(resampled)]
    if finite.size == 0:
        return Contrast(ratio, float("nan"), float("nan"), n_resamples)
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(finite, [tail, 100.0 - tail])
    return Contrast(ratio, float(low), float(high), n_resamples)
