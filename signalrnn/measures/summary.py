"""All clinical fractionation indices of one segment at once, as named floats with units."""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np

from signalrnn.errors import SignalrnnError
from signalrnn.measures.carto import DEFAULT_WINDOW_MV, carto_cfae
from signalrnn.measures.entropy import DEFAULT_BIN_WIDTH_MV, shannon_entropy
from signalrnn.measures.navx import UnreliableSegmentWarning, cfe_mean
from signalrnn.measures.noise import as_segment, check_fs, resolve_noise
from signalrnn.measures.spectral import spectral_indices

#: NavX sensitivity (mV) used when ``thresholds="mv"``: the middle of the clinical 0.03-0.05 mV.
DEFAULT_SENSITIVITY_MV = 0.04


@dataclass(frozen=True)
class EgmIndices:
    """Clinical fractionation indices of one electrogram segment; units are in the names.

    Attributes
    ----------
    duration_s : float
        Segment duration in s.
    noise_level : float
        Noise standard deviation used, in the segment's units (mV when calibrated).
    thresholds_mv : bool
        True when amplitude thresholds were in mV, False when relative to ``noise_level``.
    cfe_mean_ms, cfe_sd_ms : float
        NavX CFE-mean and CFE-SD in ms.
    n_deflections : int
        Deflections found by the NavX detector.
    cfe_reliable : bool
        False when the segment is shorter than 5 s.
    icl : float
        CARTO interval confidence level (count of 70-120 ms complex intervals per 2.5 s).
    aci_ms, sci_ms : float
        CARTO average and shortest complex interval in ms.
    carto_reliable : bool
        False when the segment is shorter than 2.5 s.
    dominant_frequency_hz : float
        Dominant frequency in Hz.
    organisation_index, regularity_index : float
        Everett's OI and Sanders' RI (0-1).
    entropy_bits : float
        Shannon entropy of the amplitude histogram in bits.
    """

    duration_s: float
    noise_level: float
    thresholds_mv: bool
    cfe_mean_ms: float
    cfe_sd_ms: float
    n_deflections: int
    cfe_reliable: bool
    icl: float
    aci_ms: float
    sci_ms: float
    carto_reliable: bool
    dominant_frequency_hz: float
    organisation_index: float
    regularity_index: float
    entropy_bits: float

    def as_dict(self) -> dict[str, float | int | bool]:
        """The indices as a flat ``{name: value}`` dict, one row of a per-channel, per-segment table."""
        return asdict(self)


def egm_indices(
    egm: np.ndarray,
    fs_hz: float,
    *,
    thresholds: Literal["noise", "mv"] = "noise",
    noise_level: float | None = None,
) -> EgmIndices:
    """Compute every clinical fractionation index of a 1-D bipolar electrogram segment.

    Runs :func:`signalrnn.measures.cfe_mean` (NavX), :func:`signalrnn.measures.carto_cfae`
    (CARTO), :func:`signalrnn.measures.spectral_indices` (DF, OI, RI) and
    :func:`signalrnn.measures.shannon_entropy` with their defaults, sharing one noise estimate.

    Parameters
    ----------
    egm : numpy.ndarray
        1-D bipolar electrogram segment (samples,), in mV or uncalibrated units. 5-8 s suits
        the NavX index, 2.5 s (or multiples) the CARTO indices.
    fs_hz : float
        Sampling rate in Hz (the spectral measures need at least 556 Hz for the full
        40-250 Hz band, see :func:`signalrnn.measures.botteron_preprocess`).
    thresholds : {"noise", "mv"}
        Where the amplitude thresholds come from. ``"noise"`` (default, required for
        uncalibrated recordings such as PhysioNet IAFDB): multiples of the noise level
        (sensitivity 8 x, CARTO window 10-30 x, histogram bins 2 x). ``"mv"``: the clinical
        values in mV (sensitivity 0.04 mV, window 0.05-0.15 mV, bins 0.01 mV); use only for
        segments calibrated in mV.
    noise_level : float or None
        Noise standard deviation in the segment's units (e.g. measured on a quiet stretch of
        the same channel); None estimates it from the segment with
        :func:`signalrnn.measures.estimate_noise`. Ignored when ``thresholds="mv"`` except
        that it is reported.

    Returns
    -------
    EgmIndices
        Named indices with units in their names; ``.as_dict()`` gives a flat dict. Indices that
        need at least two deflections or complexes are NaN when there are fewer.

    Raises
    ------
    SignalrnnError
        Empty, non-1-D or non-finite ``egm``; ``fs_hz`` <= 0; unknown ``thresholds``; a segment
        too short to filter for the spectral indices.

    Notes
    -----
    A segment shorter than 5 s gives ``cfe_reliable=False`` (Stiles et al., J Cardiovasc
    Electrophysiol 2008) and one shorter than 2.5 s ``carto_reliable=False``; the per-index
    :class:`signalrnn.measures.UnreliableSegmentWarning` is not repeated here, since a table of
    many short segments would drown in warnings; read the flags instead. Sources and the choices
    where papers differ are documented in each index's function.
    """
    x = as_segment(egm)
    fs = check_fs(fs_hz)
    if thresholds not in ("noise", "mv"):
        raise SignalrnnError(f"thresholds: expected 'noise' or 'mv', got {thresholds!r}; pick one")
    noise = resolve_noise(x, noise_level)
    shared = noise or None  # 0 only for a constant segment, which the measures handle themselves
    in_mv = thresholds == "mv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreliableSegmentWarning)
        cfe = cfe_mean(x, fs, sensitivity_mv=DEFAULT_SENSITIVITY_MV if in_mv else None, noise_level=shared)
    carto = carto_cfae(x, fs, window_mv=DEFAULT_WINDOW_MV if in_mv else None, noise_level=shared)
    spectral = spectral_indices(x, fs)
    entropy = shannon_entropy(x, bin_width_mv=DEFAULT_BIN_WIDTH_MV if in_mv else None, noise_level=shared)
    return EgmIndices(
        duration_s=x.size / fs,
        noise_level=noise,
        thresholds_mv=in_mv,
        cfe_mean_ms=cfe.cfe_mean_ms,
        cfe_sd_ms=cfe.cfe_sd_ms,
        n_deflections=cfe.n_deflections,
        cfe_reliable=cfe.reliable,
        icl=carto.icl,
        aci_ms=carto.aci_ms,
        sci_ms=carto.sci_ms,
        carto_reliable=carto.reliable,
        dominant_frequency_hz=spectral.dominant_frequency_hz,
        organisation_index=spectral.organisation_index,
        regularity_index=spectral.regularity_index,
        entropy_bits=entropy,
    )
