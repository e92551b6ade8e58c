"""Zero-phase filters: gain at pass and stop frequencies, no phase shift, clear Nyquist errors."""

import numpy as np
import pytest

from signalrnn.errors import SignalrnnError
from signalrnn.io.records import output_rate
from signalrnn.preprocessing.filters import fill_gaps, filter_signal, resample

FS = 1000.0
SETTINGS = {"bandpass_hz": [1.0, 250.0], "order": 4, "notch_hz": 50.0, "notch_q": 30.0,
            "baseline_ms": None, "envelope_hz": None}


def gain(freq_hz: float, settings: dict, fs: float = FS) -> float:
    """Steady-state amplitude ratio of a filtered sine (middle of a 10 s record)."""
    t = np.arange(int(10 * fs)) / fs
    x = np.sin(2 * np.pi * freq_hz * t)[:, None]
    y = filter_signal(x, fs, settings)
    mid = slice(len(t) // 4, 3 * len(t) // 4)
    return float(np.std(y[mid]) / np.std(x[mid]))


@pytest.mark.parametrize("freq_hz", [10.0, 80.0, 150.0])
def test_passband_is_unity(freq_hz):
    assert gain(freq_hz, SETTINGS) == pytest.approx(1.0, abs=0.02)


@pytest.mark.parametrize(("freq_hz", "most"), [(0.1, 0.01), (50.0, 0.01), (400.0, 0.01)])
def test_stopband_is_suppressed(freq_hz, most):
    assert gain(freq_hz, SETTINGS) < most


def test_filtering_does_not_shift_a_deflection():
    x = np.zeros((2000, 1))
    x[1000] = 1.0
    y = filter_signal(x, FS, {**SETTINGS, "notch_hz": None})
    assert int(np.argmax(np.abs(y[:, 0]))) == 1000


def test_moving_median_removes_a_baseline_step():
    x = np.concatenate([np.zeros(3000), np.full(3000, 5.0)])[:, None]
    y = filter_signal(x, FS, {**SETTINGS, "bandpass_hz": None, "notch_hz": None,
                              "baseline_ms": 200})
    assert np.abs(y[:2800]).max() < 1e-6 and np.abs(y[3200:]).max() < 1e-6


def test_corners_above_nyquist_name_the_key():
    with pytest.raises(SignalrnnError, match="filter.bandpass_hz"):
        filter_signal(np.zeros((1000, 1)), 360.0, {**SETTINGS, "bandpass_hz": [1, 250]})
    with pytest.raises(SignalrnnError, match="filter.notch_hz"):
        filter_signal(np.zeros((1000, 1)), 100.0,
                      {**SETTINGS, "bandpass_hz": None, "notch_hz": 60})


@pytest.mark.parametrize(("fs_hz", "target_hz"), [(360.0, 180.0), (1000.0, 250.0), (360.0, 250.0)])
def test_resampling_keeps_duration_and_a_passband_sine(fs_hz, target_hz):
    t = np.arange(int(10 * fs_hz)) / fs_hz
    x = np.sin(2 * np.pi * 5.0 * t)[:, None]
    y = resample(x, fs_hz, target_hz)
    assert y.shape == (int(10 * target_hz), 1)
    t_new = np.arange(len(y)) / target_hz
    mid = slice(len(y) // 4, 3 * len(y) // 4)
    np.testing.assert_allclose(y[mid, 0], np.sin(2 * np.pi * 5.0 * t_new[mid]), atol=0.01)


def test_no_resample_rate_keeps_the_record_and_its_rate():
    x = np.ones((10, 2))
    assert output_rate({"resample_hz": None}, 360.0) == 360.0
    assert resample(x, 360.0, 360.0) is x


def test_missing_samples_are_interpolated_before_they_spread_through_the_filter():
    x = np.column_stack([np.arange(1000.0), np.ones(1000)])
    x[[0, 4, 5], 0] = np.nan  # WFDB reads invalid samples as NaN
    filled, n_missing = fill_gaps(x)
    assert n_missing == 3
    assert filled[:7, 0].tolist() == [1, 1, 2, 3, 4, 5, 6]
    assert not np.isnan(filter_signal(filled, FS, SETTINGS)).any()


def test_a_record_without_missing_samples_is_left_alone():
    x = np.ones((5, 1))
    assert fill_gaps(x) == (x, 0)


def test_the_envelope_turns_each_burst_into_one_smooth_bump():
    t = np.arange(2000) / FS
    bursts = np.sin(2 * np.pi * 100 * t) * (np.abs((t % 0.2) - 0.1) < 0.01)  # every 200 ms
    envelope = filter_signal(bursts[:, None], FS, {**SETTINGS, "bandpass_hz": [40.0, 250.0],
                                                   "notch_hz": None, "envelope_hz": 20.0})[:, 0]
    peaks = np.flatnonzero((envelope[1:-1] > envelope[:-2]) & (envelope[1:-1] >= envelope[2:])
                           & (envelope[1:-1] > 0.5 * envelope.max())) + 1
    assert len(peaks) == 10  # one bump per burst, not one per 100 Hz cycle
    assert np.diff(peaks).tolist() == pytest.approx([200] * 9, abs=2)
