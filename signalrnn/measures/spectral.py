"""Frequency-domain indices: dominant frequency, organisation index and regularity index.

All three come from one spectrum of the electrogram after the Botteron & Smith (1995)
pre-processing; :func:`spectral_indices` computes them together, the single-index functions
are conveniences around it. None uses an amplitude threshold, so they are unchanged by the
(unknown) gain of uncalibrated recordings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import signal

from signalrnn.errors import SignalrnnError
from signalrnn.measures.noise import as_segment, check_fs, check_positive, check_range

DEFAULT_BANDPASS_HZ = (40.0, 250.0)
DEFAULT_LOWPASS_HZ = 20.0
DEFAULT_DF_BAND_HZ = (3.0, 15.0)
DEFAULT_OI_BAND_HZ = (3.0, 20.0)
DEFAULT_HALF_WIDTH_HZ = 0.75
DEFAULT_N_HARMONICS = 4
#: Frequency spacing (Hz) of the zero-padded spectrum.
_GRID_HZ = 0.05
_FILTER_ORDER = 4


@dataclass(frozen=True)
class SpectralIndices:
    """Frequency-domain indices of one segment.

    Attributes
    ----------
    dominant_frequency_hz : float
        Frequency of the largest spectral peak inside the DF band, in Hz (NaN for a flat spectrum).
    organisation_index : float
        Everett's OI: power near the DF and its harmonics over the power in the OI band (0-1).
    regularity_index : float
        Sanders' RI: power near the DF over the power in the DF band (0-1).
    """

    dominant_frequency_hz: float
    organisation_index: float
    regularity_index: float


def botteron_preprocess(
    egm: np.ndarray,
    fs_hz: float,
    *,
    bandpass_hz: tuple[float, float] = DEFAULT_BANDPASS_HZ,
    lowpass_hz: float = DEFAULT_LOWPASS_HZ,
) -> np.ndarray:
    """Botteron & Smith pre-processing: band-pass 40-250 Hz, rectify, low-pass 20 Hz.

    The band-pass keeps the sharp local deflections and removes slow far-field and baseline
    components; rectification turns each activation, whatever its polarity, into a positive
    pulse; the low-pass leaves a smooth envelope whose fundamental is the activation rate.

    Parameters
    ----------
    egm : numpy.ndarray
        1-D electrogram segment (samples,), in mV or uncalibrated units.
    fs_hz : float
        Sampling rate in Hz.
    bandpass_hz : (float, float)
        Band-pass corners in Hz (default 40, 250). The high corner is capped at 0.45 x ``fs_hz``,
        just below the Nyquist frequency (e.g. 225 Hz at 500 Hz sampling).
    lowpass_hz : float
        Low-pass corner in Hz after rectification (default 20).

    Returns
    -------
    numpy.ndarray
        The rectified, low-passed envelope, same length and units as ``egm``.

    Raises
    ------
    SignalrnnError
        Bad ``egm`` or ``fs_hz``; corners that do not fit the sampling rate; a segment too short
        to filter.

    References
    ----------
    Botteron GW, Smith JM. IEEE Trans Biomed Eng. 1995 (journal and year from memory and this
    project's notes; the paper itself was not found by our search). The three steps (band-pass
    40-250 Hz, absolute value, low-pass 20 Hz) are verified in the abstract of a later paper on
    this pre-processing ("Several insights into the preprocessing of electrograms in atrial
    fibrillation for dominant frequency analysis"), which also reports that a 20-100 Hz
    band-pass may do better on canine unipolar data and that the 20 Hz low-pass can be omitted;
    we keep the original steps and corners. Filter type and order are not given in what we could
    read: we use zero-phase Butterworth filters of order 4 (``scipy.signal.sosfiltfilt``).
    """
    x = as_segment(egm)
    fs = check_fs(fs_hz)
    low, high = check_range(bandpass_hz, "bandpass_hz", "Hz")
    lp = check_positive(lowpass_hz, "lowpass_hz", "Hz")
    high = min(high, 0.45 * fs)
    if low <= 0 or low >= high:
        raise SignalrnnError(
            f"bandpass_hz: low corner must be above 0 Hz and below the high corner ({high:g} Hz at "
            f"fs_hz={fs:g}); got {bandpass_hz!r}; sample faster or lower the corners"
        )
    if lp >= fs / 2:
        raise SignalrnnError(
            f"lowpass_hz: {lp:g} Hz is not below the Nyquist frequency {fs / 2:g} Hz; lower it"
        )
    band = signal.butter(_FILTER_ORDER, [low, high], "bandpass", fs=fs, output="sos")
    smooth = signal.butter(_FILTER_ORDER, lp, "lowpass", fs=fs, output="sos")
    min_samples = 3 * (2 * len(band) + 1) + 1
    if x.size < min_samples:
        raise SignalrnnError(
            f"egm: {x.size} samples are too few for the spectral measures; pass at least {min_samples} "
            f"samples (seconds of signal are needed for a meaningful dominant frequency)"
        )
    return signal.sosfiltfilt(smooth, np.abs(signal.sosfiltfilt(band, x)))


def _power_spectrum(envelope: np.ndarray, fs_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (Hz) and power of the Hann-windowed, mean-removed envelope, zero-padded to 0.05 Hz."""
    n = envelope.size
    nfft = 1 << int(math.ceil(math.log2(max(n, fs_hz / _GRID_HZ))))
    windowed = (envelope - envelope.mean()) * np.hanning(n)
    power = np.abs(np.fft.rfft(windowed, nfft)) ** 2
    return np.fft.rfftfreq(nfft, 1.0 / fs_hz), power


def spectral_indices(
    egm: np.ndarray,
    fs_hz: float,
    *,
    df_band_hz: tuple[float, float] = DEFAULT_DF_BAND_HZ,
    oi_band_hz: tuple[float, float] = DEFAULT_OI_BAND_HZ,
    half_width_hz: float = DEFAULT_HALF_WIDTH_HZ,
    n_harmonics: int = DEFAULT_N_HARMONICS,
    bandpass_hz: tuple[float, float] = DEFAULT_BANDPASS_HZ,
    lowpass_hz: float = DEFAULT_LOWPASS_HZ,
) -> SpectralIndices:
    """Dominant frequency (Hz), organisation index and regularity index of an electrogram segment.

    1. :func:`botteron_preprocess` (band-pass 40-250 Hz, rectify, low-pass 20 Hz);
    2. power spectrum of the envelope: mean removed, Hann window, FFT zero-padded to a 0.05 Hz
       grid (the true resolution stays about 1/duration: 0.2 Hz for 5 s);
    3. DF = frequency of the largest power inside ``df_band_hz`` (3-15 Hz);
    4. RI = power within +-``half_width_hz`` (0.75 Hz) of the DF / power in ``df_band_hz``;
    5. OI = power within +-0.75 Hz of the DF and its harmonics (k x DF, k = 1..``n_harmonics``,
       i.e. the DF and the next three, "the first four harmonic peaks") / power in ``oi_band_hz``
       (3-20 Hz); windows are clipped to that band and overlapping windows counted once.

    Parameters
    ----------
    egm : numpy.ndarray
        1-D electrogram segment (samples,), in mV or uncalibrated units (no threshold is used).
    fs_hz : float
        Sampling rate in Hz.
    df_band_hz : (float, float)
        Band searched for the DF and denominator of the RI, in Hz (default 3-15).
    oi_band_hz : (float, float)
        Denominator band of the OI, in Hz (default 3-20).
    half_width_hz : float
        Half width of the windows around the DF and its harmonics, in Hz (default 0.75).
    n_harmonics : int
        Number of harmonic peaks in the OI numerator, the DF included (default 4).
    bandpass_hz, lowpass_hz
        Pre-processing corners in Hz, see :func:`botteron_preprocess`.

    Returns
    -------
    SpectralIndices
        DF in Hz, OI and RI (dimensionless, 0-1). All NaN when the envelope has no power in the
        DF band (e.g. a constant segment).

    Raises
    ------
    SignalrnnError
        Bad ``egm`` or ``fs_hz``; bands with low >= high; non-positive widths; too short a segment.

    References
    ----------
    - Botteron GW, Smith JM. IEEE Trans Biomed Eng. 1995 (pre-processing, see
      :func:`botteron_preprocess`).
    - Everett TH IV, Kok LC, Vaughn RH, Moorman JR, Haines DE. Frequency domain algorithm for
      quantifying atrial fibrillation organization to increase defibrillation efficacy. IEEE
      Trans Biomed Eng. 2001. Abstract verified: "the organization index (OI) was calculated as
      the ratio of the area under the first four harmonic peaks to the total area of the
      spectrum" (bipolar electrograms, 4-s window best).
    - Sanders P, et al. Spectral analysis identifies sites of high-frequency activity
      maintaining atrial fibrillation in humans. Circulation. 2005. Abstract verified: 5-s
      electrograms, DF = "the highest-amplitude frequency on spectral analysis". The RI
      definition is not in the abstract.

    Notes
    -----
    Choices where sources differ or are silent:

    - OI denominator: Everett's abstract says "total area of the spectrum" without band edges;
      we use 3-20 Hz (this project's reference notes): below 3 Hz lies the residue of baseline
      and mean removal, above 20 Hz the Botteron low-pass has removed the envelope's power, so
      3-20 Hz is where the envelope has its power. Harmonics above 20 Hz fall outside and are
      not counted.
    - Harmonic windows +-0.75 Hz (same half width as the RI) and RI = power in DF +-0.75 Hz over
      3-15 Hz: both from this project's reference notes; we could not verify them in Sanders'
      or Everett's text, only their abstracts.
    - The DF window of the RI is clipped to the DF band, so RI <= 1.
    - A strictly periodic pulse train has power at the DF and at 2 x DF; when 2 x DF lies in
      3-15 Hz (DF <= 7.5 Hz) that harmonic counts in the RI denominator only, so RI of a
      perfectly regular train at 6.7 Hz is about 0.6, while OI is about 1.
    """
    x = as_segment(egm)
    fs = check_fs(fs_hz)
    df_lo, df_hi = check_range(df_band_hz, "df_band_hz", "Hz")
    oi_lo, oi_hi = check_range(oi_band_hz, "oi_band_hz", "Hz")
    half = check_positive(half_width_hz, "half_width_hz", "Hz")
    if isinstance(n_harmonics, bool) or not isinstance(n_harmonics, int | np.integer) or n_harmonics < 1:
        raise SignalrnnError(f"n_harmonics: expected a whole number >= 1, got {n_harmonics!r}; pass e.g. 4")
    if max(df_hi, oi_hi) >= fs / 2:
        raise SignalrnnError(
            f"df_band_hz / oi_band_hz: upper edges must lie below the Nyquist frequency "
            f"{fs / 2:g} Hz; lower them"
        )
    freqs, power = _power_spectrum(
        botteron_preprocess(x, fs, bandpass_hz=bandpass_hz, lowpass_hz=lowpass_hz), fs
    )

    df_band = (freqs >= df_lo) & (freqs <= df_hi)
    df_power = float(power[df_band].sum())
    if not df_power > 0:
        return SpectralIndices(math.nan, math.nan, math.nan)
    df = float(freqs[df_band][np.argmax(power[df_band])])

    ri = float(power[df_band & (np.abs(freqs - df) <= half)].sum()) / df_power

    oi_band = (freqs >= oi_lo) & (freqs <= oi_hi)
    near_harmonic = np.zeros(freqs.size, dtype=bool)
    for k in range(1, int(n_harmonics) + 1):
        near_harmonic |= np.abs(freqs - k * df) <= half
    oi_power = float(power[oi_band].sum())
    oi = float(power[oi_band & near_harmonic].sum()) / oi_power if oi_power > 0 else math.nan
    return SpectralIndices(df, oi, ri)


def dominant_frequency(egm: np.ndarray, fs_hz: float, **kwargs: Any) -> float:
    """Dominant frequency of an electrogram segment in Hz (peak of the Botteron spectrum in 3-15 Hz).

    Parameters
    ----------
    egm : numpy.ndarray
        1-D electrogram segment (samples,), in mV or uncalibrated units.
    fs_hz : float
        Sampling rate in Hz.
    **kwargs
        Options of :func:`spectral_indices` (bands in Hz, half width in Hz, ...).

    Returns
    -------
    float
        DF in Hz (NaN for a constant segment).

    References
    ----------
    Botteron & Smith, IEEE Trans Biomed Eng 1995; Sanders et al., Circulation 2005 (see
    :func:`spectral_indices`).
    """
    return spectral_indices(egm, fs_hz, **kwargs).dominant_frequency_hz


def organisation_index(egm: np.ndarray, fs_hz: float, **kwargs: Any) -> float:
    """Organisation index (Everett et al. 2001) of an electrogram segment, dimensionless 0-1.

    Power within +-0.75 Hz of the DF and its harmonics (first four harmonic peaks) over the power
    in 3-20 Hz of the Botteron spectrum.

    Parameters
    ----------
    egm : numpy.ndarray
        1-D electrogram segment (samples,), in mV or uncalibrated units.
    fs_hz : float
        Sampling rate in Hz.
    **kwargs
        Options of :func:`spectral_indices`.

    Returns
    -------
    float
        OI between 0 and 1 (NaN for a constant segment).

    References
    ----------
    Everett TH IV, et al. IEEE Trans Biomed Eng. 2001 (see :func:`spectral_indices` for the band
    choices).
    """
    return spectral_indices(egm, fs_hz, **kwargs).organisation_index


def regularity_index(egm: np.ndarray, fs_hz: float, **kwargs: Any) -> float:
    """Regularity index (Sanders et al. 2005) of an electrogram segment, dimensionless 0-1.

    Power within +-0.75 Hz of the DF over the power in 3-15 Hz of the Botteron spectrum.

    Parameters
    ----------
    egm : numpy.ndarray
        1-D electrogram segment (samples,), in mV or uncalibrated units.
    fs_hz : float
        Sampling rate in Hz.
    **kwargs
        Options of :func:`spectral_indices`.

    Returns
    -------
    float
        RI between 0 and 1 (NaN for a constant segment).

    References
    ----------
    Sanders P, et al. Circulation. 2005 (see :func:`spectral_indices` for what we could and
    could not verify).
    """
    return spectral_indices(egm, fs_hz, **kwargs).regularity_index
