"""Input checks, the robust noise estimate, and amplitude thresholds in mV or relative to noise.

Amplitudes of some recordings are uncalibrated (PhysioNet IAFDB's headers say so), so a
threshold in mV means nothing there. Every amplitude threshold of :mod:`signalrnn.measures`
can therefore be given either in mV (``*_mv`` parameters; the segment must then be in mV) or
as a multiple of the segment's own noise level (``*_noise_multiple`` parameters, the default).
The noise-relative defaults are the clinical mV defaults divided by :data:`NOMINAL_NOISE_MV`.
"""

from __future__ import annotations

import math

import numpy as np

from signalrnn.errors import SignalrnnError

#: Noise standard deviation (mV) assumed for a clinical bipolar electrogram when the mV defaults
#: are turned into noise multiples (0.04 mV sensitivity -> 8 x noise, 0.05-0.15 mV window ->
#: 10-30 x noise, 0.01 mV histogram bins -> 2 x noise). This is our assumption, not a published
#: figure: the NavX settings put the sensitivity "just above the baseline noise, typically
#: 0.03-0.05 mV" (peak to peak), and Gaussian noise spans about 6 standard deviations peak to peak.
NOMINAL_NOISE_MV = 0.005

#: Multiple of the robust standard deviation applied to the MAD (consistent for Gaussian noise).
_MAD_TO_SD = 1.4826

#: A MAD at most this fraction of the peak-to-peak amplitude marks a noiseless (synthetic) segment
#: (a signal-to-noise ratio above 120 dB, which no recording reaches) ...
_NOISELESS_MAD = 1e-6
#: ... whose noise level is then taken as this fraction of its peak-to-peak amplitude.
_NOISELESS_FRACTION = 0.01


def as_segment(egm: np.ndarray, name: str = "egm") -> np.ndarray:
    """``egm`` as a finite 1-D float64 array, or :class:`SignalrnnError` naming ``name``."""
    x = np.asarray(egm)
    if x.ndim != 1:
        raise SignalrnnError(
            f"{name}: expected a 1-D segment (samples,), got shape {x.shape}; pass one channel at a time"
        )
    if x.size == 0:
        raise SignalrnnError(f"{name}: the segment is empty; pass at least one sample")
    if not np.issubdtype(x.dtype, np.number) or np.iscomplexobj(x):
        raise SignalrnnError(f"{name}: expected real numbers, got dtype {x.dtype}; pass a numeric array")
    x = x.astype(np.float64, copy=False)
    bad = int(np.count_nonzero(~np.isfinite(x)))
    if bad:
        raise SignalrnnError(
            f"{name}: {bad} samples are NaN or infinite; fill the gaps first (e.g. linear interpolation)"
        )
    return x


def check_fs(fs_hz: float) -> float:
    """``fs_hz`` as a positive finite float, or :class:`SignalrnnError`."""
    try:
        fs = float(fs_hz)
    except (TypeError, ValueError):
        raise SignalrnnError(f"fs_hz: expected a sampling rate in Hz, got {fs_hz!r}; pass a number") from None
    if not math.isfinite(fs) or fs <= 0:
        raise SignalrnnError(
            f"fs_hz: must be a positive sampling rate in Hz, got {fs_hz!r}; pass e.g. 1000.0"
        )
    return fs


def check_positive(value: float, name: str, unit: str) -> float:
    """``value`` as a positive finite float, or :class:`SignalrnnError` naming ``name``."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise SignalrnnError(f"{name}: expected a number in {unit}, got {value!r}; pass a number") from None
    if not math.isfinite(v) or v <= 0:
        raise SignalrnnError(f"{name}: must be positive ({unit}), got {value!r}; pass a value above 0")
    return v


def check_range(lo_hi: tuple[float, float], name: str, unit: str) -> tuple[float, float]:
    """``(lo, hi)`` with ``0 <= lo < hi`` finite, or :class:`SignalrnnError` naming ``name``."""
    try:
        lo, hi = (float(v) for v in lo_hi)
    except (TypeError, ValueError):
        raise SignalrnnError(f"{name}: expected a pair (low, high) in {unit}, got {lo_hi!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo < 0 or lo >= hi:
        raise SignalrnnError(
            f"{name}: needs 0 <= low < high in {unit}, got {lo_hi!r}; swap or fix the values"
        )
    return lo, hi


def estimate_noise(egm: np.ndarray) -> float:
    """Robust noise level of an electrogram segment, in the segment's own units.

    The standard deviation of the noise estimated as 1.4826 x the median absolute deviation
    from the median (consistent for Gaussian noise). A bipolar AF electrogram is mostly
    baseline between brief deflections, so the median statistics follow the baseline noise and
    ignore the deflections as long as these cover less than half of the samples. Continuous
    activity raises the estimate, which makes noise-relative thresholds more conservative; pass
    ``noise_level`` measured on a quiet stretch of the same channel to the measures in that case.
    Baseline wander also raises it: high-pass the segment first (NavX filters 30-500 Hz).

    Parameters
    ----------
    egm : numpy.ndarray
        1-D segment (samples,), in mV or uncalibrated units.

    Returns
    -------
    float
        Noise standard deviation in the units of ``egm`` (mV when calibrated). When the median
        absolute deviation is at most 1e-6 of the peak-to-peak amplitude (a noiseless synthetic
        segment), 1 % of the peak-to-peak amplitude instead; 0.0 for a constant segment.

    Notes
    -----
    A noise estimate is needed because amplitudes of some recordings are uncalibrated (PhysioNet
    IAFDB), where the NavX sensitivity "just above the baseline noise, typically 0.03-0.05 mV"
    (the algorithm's published settings, cited in :func:`signalrnn.measures.cfe_mean`) can only
    be reproduced as a multiple of the noise.
    """
    x = as_segment(egm)
    mad = float(np.median(np.abs(x - np.median(x))))
    span = float(np.ptp(x))
    if mad > _NOISELESS_MAD * span:
        return _MAD_TO_SD * mad
    return _NOISELESS_FRACTION * span


def resolve_noise(x: np.ndarray, noise_level: float | None) -> float:
    """``noise_level`` checked, or estimated from ``x`` when None."""
    if noise_level is None:
        return estimate_noise(x)
    return check_positive(noise_level, "noise_level", "units of the segment")


def resolve_threshold(
    value_mv: float | None,
    noise_multiple: float,
    noise: float,
    *,
    name_mv: str,
    name_multiple: str,
) -> tuple[float, str]:
    """An amplitude threshold in the segment's units, and ``"mv"`` or ``"noise"`` for its origin.

    ``value_mv`` wins when given (the segment is then taken to be in mV); otherwise the
    threshold is ``noise_multiple`` times ``noise``.
    """
    if value_mv is not None:
        return check_positive(value_mv, name_mv, "mV"), "mv"
    return check_positive(noise_multiple, name_multiple, "multiples of the noise level") * noise, "noise"
