"""Events for records without annotations: QRS complexes or electrogram activations found by a
detector, or sliding windows."""

from __future__ import annotations

import numpy as np
from scipy import signal as sp_signal
from scipy.signal import find_peaks
from wfdb import processing

from signalrnn.measures.spectral import botteron_preprocess, dominant_frequency

#: Band (Hz) searched for a mains line (50 or 60 Hz, drifting), and how far (power ratio) the line
#: must stand above every other frequency of that band more than MAINS_LINE_HALF_WIDTH_HZ away to
#: be notched (the harmonics of a regular rhythm, e.g. 55, 60 and 65 Hz of a 5 Hz flutter, are
#: lines too, but of similar power).
MAINS_SEARCH_HZ = (45.0, 65.0)
MAINS_LINE_RATIO = 10.0
MAINS_LINE_HALF_WIDTH_HZ = 1.0
MAINS_Q = 30.0
#: Candidates this close (ms) to a QRS are ventricular on a channel where they are typically
#: VENTRICULAR_RATIO times as prominent as the others (bipolar_activation_samples, step 4).
VENTRICULAR_MS = 60.0
VENTRICULAR_RATIO = 3.0
#: Percentile of a channel's envelope taken as its noise floor: the envelope sits on the noise
#: between complexes, so its lower tenth follows the noise even when the channel is busy.
NOISE_PERCENTILE = 10


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


def remove_mains(signal: np.ndarray, fs_hz: float, up_to_hz: float = 250.0) -> np.ndarray:
    """``signal`` (1-D) with its mains interference notched out, if it has any.

    The mains line is the strongest spectral line in MAINS_SEARCH_HZ (45-65 Hz: 50 or 60 Hz
    mains, which drifts, e.g. 61.3 Hz in IAFDB patient 4), taken only if its power (Welch, 0.25
    Hz bins) is at least MAINS_LINE_RATIO times that of any other frequency of the band more
    than 1 Hz away (which a regular rhythm's own harmonics are not); it and its harmonics
    below ``up_to_hz`` (and the Nyquist frequency) are removed by zero-phase IIR notches of Q 30.
    IAFDB's 60 Hz mains carries most of the 40-250 Hz power on about a tenth of its bipolar
    channels, where it would otherwise bury the activations.
    """
    x = np.asarray(signal, dtype=float)
    n = min(len(x), round(4 * fs_hz))
    if n < round(fs_hz):
        return x
    freqs, power = sp_signal.welch(x, fs_hz, nperseg=n)
    search = np.flatnonzero((freqs >= MAINS_SEARCH_HZ[0]) & (freqs <= MAINS_SEARCH_HZ[1]))
    line = search[np.argmax(power[search])]
    others = search[np.abs(freqs[search] - freqs[line]) > MAINS_LINE_HALF_WIDTH_HZ]
    if not power[line] >= MAINS_LINE_RATIO * power[others].max():
        return x
    for harmonic in np.arange(freqs[line], min(up_to_hz, 0.45 * fs_hz), freqs[line]):
        b, a = sp_signal.iirnotch(harmonic, MAINS_Q, fs=fs_hz)
        x = sp_signal.filtfilt(b, a, x)
    return x


def surface_qrs_samples(lead: np.ndarray, fs_hz: float) -> np.ndarray:
    """Samples of the QRS complexes of one surface ECG lead, calibrated or not: peaks of its
    5-15 Hz energy (the squared band-passed lead averaged over 100 ms) at least 250 ms apart
    and at least 30 % of the energy's 99.5th percentile.

    A plain energy detector after Pan & Tompkins (IEEE Trans Biomed Eng 1985: band-pass, square,
    moving-window integration), without their adaptive thresholds, only to find where the
    ventricles activate beside electrograms; ``qrs_samples`` (wfdb's XQRS) classifies beats of
    ECG records but finds no beat at all in lead II of 14 of the 26 IAFDB records.
    """
    x = np.asarray(lead, dtype=float)
    band = sp_signal.sosfiltfilt(sp_signal.butter(2, [5.0, 15.0], "bandpass", fs=fs_hz, output="sos"), x)
    width = max(1, round(0.1 * fs_hz))
    energy = np.convolve(band**2, np.ones(width) / width, mode="same")
    found, _ = find_peaks(energy, height=max(0.3 * np.percentile(energy, 99.5), np.finfo(float).tiny),
                          distance=max(1, round(0.25 * fs_hz)))
    return found.astype(int)


def most_prominent_apart(peaks: np.ndarray, prominence: np.ndarray, distance: int) -> np.ndarray:
    """True for the ``peaks`` (sorted samples) kept when, from the most prominent down, each
    peak removes the others less than ``distance`` samples away. (``find_peaks(distance=...)``
    ranks by height instead, so a high point on a broad wave would remove a sharp activation.)"""
    keep = np.ones(len(peaks), dtype=bool)
    for j in np.argsort(-prominence, kind="stable"):
        if keep[j]:
            lo, hi = np.searchsorted(peaks, [peaks[j] - distance + 1, peaks[j] + distance])
            keep[lo:hi] = False
            keep[j] = True
    return keep


def ventricular_mask(n_samples: int, qrs: np.ndarray | None, fs_hz: float, bumps: np.ndarray,
                     prominence: np.ndarray) -> np.ndarray:
    """False within VENTRICULAR_MS of each of the ``qrs`` samples if the ``bumps`` there are
    typically VENTRICULAR_RATIO times as prominent as the others (the channel sees the
    ventricles); all True otherwise, or without ``qrs``."""
    atrial = np.ones(n_samples, dtype=bool)
    if qrs is None or not len(qrs) or not len(bumps):
        return atrial
    half = round(VENTRICULAR_MS * fs_hz / 1000)
    for q in np.asarray(qrs, dtype=int):
        atrial[max(0, q - half):q + half + 1] = False
    at_qrs = ~atrial[bumps]
    if at_qrs.any() and (~at_qrs).any() and (
            np.median(prominence[at_qrs]) >= VENTRICULAR_RATIO * np.median(prominence[~at_qrs])):
        return atrial
    return np.ones(n_samples, dtype=bool)


def bipolar_activation_samples(signal: np.ndarray, fs_hz: float, qrs: np.ndarray | None = None, *,
                               refractory_fraction: float = 0.5, prominence_fraction: float = 0.1,
                               noise_multiple: float = 1.0, search_ms: float = 25.0) -> np.ndarray:
    """Samples of the local activations in one bipolar electrogram channel (any units): one per
    complex, however many phases it has, and none on the ventricular signal.

    0. Mains interference is notched out (``remove_mains``).
    1. The Botteron & Smith envelope (band-pass 40-250 Hz, rectified, low-passed at 20 Hz,
       ``measures.spectral.botteron_preprocess``) turns each complex, biphasic or fragmented,
       into one smooth positive bump; the 40 Hz high-pass removes most of the broad, slow
       ventricular far field.
    2. The channel's own dominant frequency DF (Hz, the peak of that envelope's spectrum in
       3-15 Hz) sets the refractory period: ``refractory_fraction`` / DF seconds (half the DF
       cycle length by default), so that the two halves of a biphasic complex are not counted
       twice, while cycles down to half the dominant one still are.
    3. Candidates: bumps most prominent within the refractory period (``most_prominent_apart``)
       whose prominence is at least ``noise_multiple`` times the channel's noise floor (the
       envelope's NOISE_PERCENTILE-th percentile: it sits on the noise between complexes).
    4. Ventricular signal: given ``qrs`` (samples of QRS complexes of a surface lead of the same
       record, ``surface_qrs_samples``), candidates within VENTRICULAR_MS of a QRS are dropped
       (before step 3's refractory period is applied again, so that they hide no atrial one)
       when they are typically VENTRICULAR_RATIO times as prominent as the others (the channel
       sees the ventricles: near the tricuspid annulus, or a strong far field); the atrial
       activations hidden under a ventricular complex are lost with them. On other channels the
       QRS is ignored: atrial activations fall at QRS times by chance in AF, and at fixed
       conduction ratios in flutter.
    5. A candidate counts if its prominence is also at least ``prominence_fraction`` of the
       envelope's 95th percentile (away from the QRS where step 4 applied). Both thresholds are
       relative, so the detector works on uncalibrated recordings (IAFDB).
    6. Its activation time is the steepest negative slope (-dV/dt) within ``search_ms`` ms
       either side of the bump's peak, as for ``activation_samples``.

    Parameters
    ----------
    signal : numpy.ndarray
        1-D bipolar electrogram (samples,), raw or band-passed with corners outside 40-250 Hz.
    fs_hz : float
        Sampling rate in Hz.
    qrs : numpy.ndarray, optional
        Samples (at ``fs_hz``) of the record's QRS complexes; None = no surface lead.
    refractory_fraction, prominence_fraction, noise_multiple : float
        See steps 2, 3 and 5 (dimensionless).
    search_ms : float
        Half width (ms) of the search for the steepest slope around each bump.

    Returns
    -------
    numpy.ndarray
        Sorted activation samples (int); empty for a constant or flat-spectrum channel.

    References
    ----------
    Botteron GW, Smith JM. IEEE Trans Biomed Eng. 1995 (the envelope); the DF as in Sanders P,
    et al. Circulation. 2005 (see ``measures.spectral.spectral_indices``). The refractory period
    from the DF, the relative thresholds and the ventricular test are this project's choices,
    checked on IAFDB against each channel's DF with ``benchmarks/bench_detect_iafdb.py`` (its
    rhythm labels unused).
    """
    x = remove_mains(signal, fs_hz)
    df_hz = dominant_frequency(x, fs_hz)
    if not np.isfinite(df_hz):
        return np.zeros(0, dtype=int)
    envelope = botteron_preprocess(x, fs_hz)
    floor = max(noise_multiple * float(np.percentile(envelope, NOISE_PERCENTILE)), np.finfo(float).tiny)
    bumps, props = find_peaks(envelope, prominence=floor)
    prominence, distance = props["prominences"], max(1, round(refractory_fraction * fs_hz / df_hz))
    apart = most_prominent_apart(bumps, prominence, distance)
    atrial = ventricular_mask(len(envelope), qrs, fs_hz, bumps[apart], prominence[apart])
    if not atrial.all():  # the ventricular candidates go before the refractory period is applied again
        bumps, prominence = bumps[atrial[bumps]], prominence[atrial[bumps]]
        apart = most_prominent_apart(bumps, prominence, distance)
    bumps, prominence = bumps[apart], prominence[apart]
    reference = float(np.percentile(envelope[atrial], 95)) if atrial.any() else 0.0
    bumps = bumps[prominence >= prominence_fraction * reference]
    slope = -np.gradient(x)
    half = max(1, round(search_ms * fs_hz / 1000))
    steepest = [max(0, b - half) + int(np.argmax(slope[max(0, b - half):b + half + 1])) for b in bumps]
    return np.unique(np.asarray(steepest, dtype=int))


def sliding_samples(n_samples: int, n_pre: int, n_post: int, step: int) -> np.ndarray:
    """Anchor samples of windows [s - n_pre, s + n_post) every ``step`` samples, wholly inside the record.

    The first window starts at sample 0; consecutive windows overlap when ``step`` is shorter
    than the window.
    """
    return np.arange(n_pre, n_samples - n_post + 1, step, dtype=int)
