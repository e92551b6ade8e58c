"""Bad input raises SignalrnnError with a one-line message naming the parameter."""

from __future__ import annotations

import numpy as np
import pytest

from signalrnn.errors import SignalrnnError
from signalrnn.measures import (
    botteron_preprocess,
    carto_cfae,
    cfe_mean,
    detect_deflections,
    dominant_frequency,
    egm_indices,
    estimate_noise,
    organisation_index,
    regularity_index,
    shannon_entropy,
    spectral_indices,
)

from .signals import FS_HZ, deflection_train

WITH_FS = [
    detect_deflections,
    cfe_mean,
    carto_cfae,
    botteron_preprocess,
    spectral_indices,
    dominant_frequency,
    organisation_index,
    regularity_index,
    egm_indices,
]
WITHOUT_FS = [shannon_entropy, estimate_noise]
GOOD = deflection_train(5.0, 150.0)


def call(function, egm, fs_hz=FS_HZ, **kwargs):
    if function in WITHOUT_FS:
        return function(egm, **kwargs)
    return function(egm, fs_hz, **kwargs)


def assert_names(excinfo, parameter):
    message = str(excinfo.value)
    assert message.startswith(f"{parameter}:"), message
    assert "\n" not in message


@pytest.mark.parametrize("function", WITH_FS + WITHOUT_FS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "egm",
    [np.array([]), np.zeros((100, 2)), np.array([0.0, np.nan, 1.0] * 1000), np.array(["a", "b"])],
    ids=["empty", "2-D", "NaN", "text"],
)
def test_a_bad_segment_is_refused_naming_egm(function, egm):
    with pytest.raises(SignalrnnError) as excinfo:
        call(function, egm)
    assert_names(excinfo, "egm")


@pytest.mark.parametrize("function", WITH_FS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("fs_hz", [0.0, -1000.0, float("nan"), "fast"])
def test_a_bad_sampling_rate_is_refused_naming_fs_hz(function, fs_hz):
    with pytest.raises(SignalrnnError) as excinfo:
        call(function, GOOD, fs_hz=fs_hz)
    assert_names(excinfo, "fs_hz")


@pytest.mark.parametrize(
    ("function", "kwargs", "parameter"),
    [
        (detect_deflections, {"sensitivity_mv": -0.04}, "sensitivity_mv"),
        (detect_deflections, {"sensitivity_noise_multiple": 0}, "sensitivity_noise_multiple"),
        (detect_deflections, {"max_width_ms": 0}, "max_width_ms"),
        (detect_deflections, {"refractory_ms": -5}, "refractory_ms"),
        (detect_deflections, {"noise_level": 0}, "noise_level"),
        (detect_deflections, {"bandpass_hz": (500.0, 30.0)}, "bandpass_hz"),
        (cfe_mean, {"min_duration_s": 0}, "min_duration_s"),
        (carto_cfae, {"window_mv": (0.15, 0.05)}, "window_mv"),
        (carto_cfae, {"window_mv": (0.0, 0.15)}, "window_mv"),
        (carto_cfae, {"window_noise_multiples": (30, 10)}, "window_noise_multiples"),
        (carto_cfae, {"interval_range_ms": (120, 70)}, "interval_range_ms"),
        (carto_cfae, {"complex_gap_ms": 0}, "complex_gap_ms"),
        (carto_cfae, {"segment_s": -2.5}, "segment_s"),
        (spectral_indices, {"df_band_hz": (15, 3)}, "df_band_hz"),
        (spectral_indices, {"oi_band_hz": (3, 600)}, "df_band_hz / oi_band_hz"),
        (spectral_indices, {"half_width_hz": 0}, "half_width_hz"),
        (spectral_indices, {"n_harmonics": 0}, "n_harmonics"),
        (spectral_indices, {"lowpass_hz": 600}, "lowpass_hz"),
        (botteron_preprocess, {"bandpass_hz": (480.0, 600.0)}, "bandpass_hz"),
        (shannon_entropy, {"bin_width_mv": 0}, "bin_width_mv"),
        (shannon_entropy, {"bin_width_noise_multiple": -1}, "bin_width_noise_multiple"),
        (shannon_entropy, {"bin_width_mv": 1e-12}, "bin_width"),
        (egm_indices, {"thresholds": "volts"}, "thresholds"),
    ],
)
def test_a_bad_option_is_refused_naming_it(function, kwargs, parameter):
    with pytest.raises(SignalrnnError) as excinfo:
        call(function, GOOD, **kwargs)
    assert_names(excinfo, parameter)


def test_a_segment_too_short_to_filter_is_refused_for_the_spectral_indices():
    with pytest.raises(SignalrnnError) as excinfo:
        spectral_indices(np.ones(10), FS_HZ)
    assert_names(excinfo, "egm")
