"""Clinical fractionation indices of atrial electrograms, implemented from their publications.

Time domain (shared deflection detector, :func:`detect_deflections`):

- :func:`cfe_mean`: EnSite NavX CFE-mean and CFE-SD (ms);
- :func:`carto_cfae`: CARTO interval confidence level (ICL), average and shortest complex
  interval (ACI, SCI; ms).

Frequency domain (Botteron & Smith pre-processing, :func:`spectral_indices`): dominant
frequency (Hz), organisation index (Everett et al. 2001), regularity index (Sanders et al. 2005).

Amplitude distribution: :func:`shannon_entropy` (bits; Ganesan et al. 2013).

All at once: :func:`egm_indices` returns named floats with units in the names.

Every amplitude threshold can be given in mV (``*_mv`` parameters, calibrated segments only) or,
by default, as a multiple of the segment's noise level (:func:`estimate_noise`), because some
recordings are uncalibrated (PhysioNet IAFDB). Each function's docstring cites its sources and
states the choices made where they differ. Only numpy and scipy are used.
"""

from signalrnn.measures.carto import CartoResult, carto_cfae
from signalrnn.measures.deflections import Deflections, detect_deflections
from signalrnn.measures.entropy import shannon_entropy
from signalrnn.measures.navx import CfeResult, UnreliableSegmentWarning, cfe_mean
from signalrnn.measures.noise import NOMINAL_NOISE_MV, estimate_noise
from signalrnn.measures.spectral import (
    SpectralIndices,
    botteron_preprocess,
    dominant_frequency,
    organisation_index,
    regularity_index,
    spectral_indices,
)
from signalrnn.measures.summary import EgmIndices, egm_indices

__all__ = [
    "NOMINAL_NOISE_MV",
    "CartoResult",
    "CfeResult",
    "Deflections",
    "EgmIndices",
    "SpectralIndices",
    "UnreliableSegmentWarning",
    "botteron_preprocess",
    "carto_cfae",
    "cfe_mean",
    "detect_deflections",
    "dominant_frequency",
    "egm_indices",
    "estimate_noise",
    "organisation_index",
    "regularity_index",
    "shannon_entropy",
    "spectral_indices",
]
