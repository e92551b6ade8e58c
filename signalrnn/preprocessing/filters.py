"""Resampling and zero-phase filtering of records: band-pass, mains notch, moving-median baseline."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy import ndimage, signal

from signalrnn.errors import SignalrnnError
from signalrnn.io.records import output_rate


def fill_gaps(x: np.ndarray) -> tuple[np.ndarray, int]:
    """``x`` (samples, channels) with missing samples (NaN, WFDB's invalid value) interpolated
    linearly within each channel; and how many there were. One NaN would otherwise spread over
    a whole channel through the zero-phase filters."""
    missing = np.isnan(x)
    n_missing = int(missing.sum())
    if not n_missing:
        return x, 0
    x = np.array(x, dtype=np.float64)
    samples = np.arange(len(x))
    for ch in np.flatnonzero(missing.any(axis=0)):
        gaps, valid = missing[:, ch], ~missing[:, ch]
        x[gaps, ch] = np.interp(samples[gaps], samples[valid], x[valid, ch]) if valid.any() else 0.0
    return x, n_missing


def resample_ratio(fs_hz: float, target_hz: float) -> Fraction:
    """``target_hz / fs_hz`` as the fraction up / down that resample_poly uses."""
    return Fraction(target_hz / fs_hz).limit_denominator(1000)


def resample(x: np.ndarray, fs_hz: float, target_hz: float) -> np.ndarray:
    """``x`` (samples, channels) at ``fs_hz`` resampled to ``target_hz`` (polyphase, anti-aliased)."""
    ratio = resample_ratio(fs_hz, target_hz)
    if ratio == 1:
        return x
    return signal.resample_poly(x, ratio.numerator, ratio.denominator, axis=0)


def design_sos(settings: dict, fs_hz: float) -> np.ndarray | None:
    """Second-order sections of the band-pass and notch in ``settings`` at ``fs_hz`` (Hz)."""
    nyquist = fs_hz / 2
    sections = []
    band = settings["bandpass_hz"]
    if band is not None:
        if band[1] >= nyquist:
            raise SignalrnnError(
                f"filter.bandpass_hz: high corner {band[1]} Hz is not below the Nyquist "
                f"frequency {nyquist} Hz of a {fs_hz} Hz record; lower it"
            )
        sections.append(signal.butter(settings["order"], band, "bandpass", fs=fs_hz, output="sos"))
    notch = settings["notch_hz"]
    if notch is not None:
        if notch >= nyquist:
            raise SignalrnnError(
                f"filter.notch_hz: {notch} Hz is not below the Nyquist frequency {nyquist} Hz "
                f"of a {fs_hz} Hz record; set it to the mains frequency or null"
            )
        b, a = signal.iirnotch(notch, settings["notch_q"], fs=fs_hz)
        sections.append(signal.tf2sos(b, a))
    return np.vstack(sections) if sections else None


def filter_signal(x: np.ndarray, fs_hz: float, settings: dict) -> np.ndarray:
    """Filter ``x`` (samples, channels) forward and backward (zero phase); returns float32.

    With ``envelope_hz`` the filtered signal is then rectified and low-passed at that corner:
    the activation envelope of electrograms (Botteron & Smith, IEEE TBME 1995).
    """
    out = np.asarray(x, dtype=np.float64)
    if settings["baseline_ms"] is not None:
        width = max(1, int(round(settings["baseline_ms"] * fs_hz / 1000)) | 1)
        out = out - ndimage.median_filter(out, size=(width, 1), mode="nearest")
    sos = design_sos(settings, fs_hz)
    if sos is not None:
        out = signal.sosfiltfilt(sos, out, axis=0)
    if settings["envelope_hz"] is not None:
        if settings["envelope_hz"] >= fs_hz / 2:
            raise SignalrnnError(f"filter.envelope_hz: {settings['envelope_hz']} Hz is not below the "
                                 f"Nyquist frequency {fs_hz / 2} Hz of a {fs_hz} Hz record; lower it")
        lowpass = signal.butter(settings["order"], settings["envelope_hz"], fs=fs_hz, output="sos")
        out = signal.sosfiltfilt(lowpass, np.abs(out), axis=0)
    return out.astype(np.float32)


def unusable_samples(x: np.ndarray, fs_hz: float, flat_ms: float | None) -> np.ndarray:
    """True (samples, channels) where ``x`` is missing (NaN) or constant for at least ``flat_ms``
    ms on end: lead off, amplifier saturation, zero-filled gaps. ``flat_ms`` None: none."""
    unusable = np.zeros(x.shape, dtype=bool)
    if flat_ms is None or len(x) < 2:
        return unusable
    min_run = max(2, int(round(flat_ms * fs_hz / 1000)))
    for ch in range(x.shape[1]):
        col = x[:, ch]
        same = (col[1:] == col[:-1]) | (np.isnan(col[1:]) & np.isnan(col[:-1]))
        edges = np.diff(np.concatenate([[0], same.view(np.int8), [0]]))
        starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        long = stops - starts + 1 >= min_run  # stop - start equal neighbours: one more sample
        for start, stop in zip(starts[long], stops[long], strict=True):
            unusable[start:stop + 1, ch] = True
    return unusable


@dataclass(frozen=True)
class Preprocessed:
    """A record after the filter step: ``signal`` (samples, channels) float32 at ``fs_hz``, NaN
    where unusable; counts of interpolated and of unusable raw samples."""

    signal: np.ndarray
    fs_hz: float
    n_interpolated: int
    n_unusable: int


def preprocess(x: np.ndarray, fs_hz: float, settings: dict) -> Preprocessed:
    """The filter step on raw ``x`` (samples, channels) at ``fs_hz``: short gaps interpolated,
    resampled to ``output_rate``, filtered, and stretches that are missing or flat for
    ``flat_ms`` or longer set to NaN (windows touching them are dropped). Training, predict and
    the SNR sweep all preprocess through here."""
    unusable = unusable_samples(x, fs_hz, settings["flat_ms"])
    x, n_missing = fill_gaps(x)
    fs_out = output_rate(settings, fs_hz)
    out = filter_signal(resample(x, fs_hz, fs_out), fs_out, settings)
    if unusable.any():
        at_raw = np.minimum((np.arange(len(out)) * (fs_hz / fs_out)).astype(int), len(x) - 1)
        out[unusable[at_raw]] = np.nan
    return Preprocessed(out, fs_out, n_missing, int(unusable.sum()))
