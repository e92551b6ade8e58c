"""The failure gallery shows errors only, confident ones first, every kind of error in turn."""

import numpy as np
import pandas as pd
import pytest
import wfdb

from signalrnn.evaluation.failures import failure_traces, select_failures
from signalrnn.evaluation.figures import failure_gallery_figure
from signalrnn.io.layout import Layout


def test_errors_only_most_confident_first_taking_turns_over_kinds_of_error():
    predictions = pd.DataFrame({
        "label":       ["a", "a", "a", "b", "b", "c"],
        "predicted":   ["b", "b", "a", "a", "c", "c"],
        "probability": [0.9, 0.8, 0.99, 0.6, 0.7, 0.95],
    })
    chosen = select_failures(predictions, 4)
    assert chosen.index.tolist() == [0, 4, 3, 1]  # a->b, b->c, b->a, then the second a->b
    assert select_failures(predictions, 2).index.tolist() == [0, 4]


def test_traces_show_raw_and_filtered_signal_around_the_window(tmp_path):
    fs_hz = 1000
    signal = np.sin(np.arange(2000) / 50.0)[:, None] * [1.0, 2.0]
    wfdb.wrsamp("101", fs=fs_hz, units=["mV", "mV"], sig_name=["I", "II"], p_signal=signal,
                fmt=["16", "16"], write_dir=str(tmp_path))
    layout = Layout(tmp_path / "results")
    layout.filtered("101").parent.mkdir(parents=True)
    np.save(layout.filtered("101"), (signal / 2).astype(np.float32))
    config = {"data_dir": str(tmp_path), "window": {"pre_ms": 40, "post_ms": 80, "channels": "all"},
              "filter": {"resample_hz": None}}
    row = pd.DataFrame({"record": [101], "patient": ["101"], "sample": [1000], "channel": ["II"],
                        "fs_hz": [fs_hz], "label": ["a"], "predicted": ["b"], "probability": [0.9]})
    (trace,) = failure_traces(row, config, layout)
    assert trace.channel == "II" and trace.window_ms == (-40, 80)
    assert trace.time_ms[0] == -160 and trace.time_ms[-1] == 199  # one window length either side
    at_event = np.flatnonzero(trace.time_ms == 0)[0]
    assert trace.raw[at_event] == pytest.approx(signal[1000, 1], abs=1e-3)
    assert trace.filtered[at_event] == pytest.approx(signal[1000, 1] / 2, abs=1e-6)
    assert np.array_equal(trace.filtered_time_ms, trace.time_ms)


def test_a_trace_reads_its_channel_from_a_filtered_file_that_holds_only_the_windowed_ones(tmp_path):
    signal = np.sin(np.arange(2000) / 50.0)[:, None] * [1.0, 2.0]
    wfdb.wrsamp("101", fs=1000, units=["mV", "mV"], sig_name=["I", "II"], p_signal=signal,
                fmt=["16", "16"], write_dir=str(tmp_path))
    layout = Layout(tmp_path / "results")
    layout.filtered("101").parent.mkdir(parents=True)
    np.save(layout.filtered("101"), (signal[:, 1:] / 2).astype(np.float32))  # lead II only
    config = {"data_dir": str(tmp_path), "window": {"pre_ms": 40, "post_ms": 80, "channels": ["II"]},
              "filter": {"resample_hz": None}}
    row = pd.DataFrame({"record": ["101"], "patient": ["101"], "sample": [1000], "channel": [""],
                        "fs_hz": [1000.0], "label": ["a"], "predicted": ["b"], "probability": [0.9]})
    (trace,) = failure_traces(row, config, layout)  # a record-level label names no channel
    at_event = np.flatnonzero(trace.time_ms == 0)[0]
    assert trace.channel == "II"
    assert trace.raw[at_event] == pytest.approx(signal[1000, 1], abs=1e-3)
    assert trace.filtered[at_event] == pytest.approx(signal[1000, 1] / 2, abs=1e-6)


def test_a_resampled_filtered_trace_is_cut_at_its_own_rate(tmp_path):
    signal = np.sin(np.arange(2000) / 50.0)[:, None]
    wfdb.wrsamp("7", fs=1000, units=["mV"], sig_name=["I"], p_signal=signal, fmt=["16"],
                write_dir=str(tmp_path))
    layout = Layout(tmp_path / "results")
    layout.filtered("7").parent.mkdir(parents=True)
    np.save(layout.filtered("7"), signal[::4].astype(np.float32))  # the filter step's 250 Hz
    config = {"data_dir": str(tmp_path), "window": {"pre_ms": 40, "post_ms": 80, "channels": "all"},
              "filter": {"resample_hz": 250}}
    row = pd.DataFrame({"record": ["7"], "patient": ["7"], "sample": [1000], "channel": ["I"],
                        "fs_hz": [250.0], "label": ["a"], "predicted": ["b"], "probability": [0.9]})
    (trace,) = failure_traces(row, config, layout)
    assert trace.filtered_time_ms[0] == -160 and trace.filtered_time_ms[1] == -156  # 4 ms steps
    at_event = np.flatnonzero(trace.filtered_time_ms == 0)[0]
    assert trace.filtered[at_event] == pytest.approx(signal[1000, 0], abs=1e-6)
    assert trace.event_s == 1.0  # sample 1000 at the record's 1000 Hz, not the windows' 250 Hz


def test_an_uncalibrated_record_shows_its_traces_in_its_own_units(tmp_path):
    signal = np.sin(np.arange(2000) / 50.0)[:, None] * 300
    wfdb.wrsamp("iaf1", fs=1000, units=["NU"], sig_name=["CS12"], p_signal=signal, fmt=["16"],
                write_dir=str(tmp_path))
    layout = Layout(tmp_path / "results")
    layout.filtered("iaf1").parent.mkdir(parents=True)
    np.save(layout.filtered("iaf1"), signal.astype(np.float32))
    config = {"data_dir": str(tmp_path), "window": {"pre_ms": 40, "post_ms": 80, "channels": "all"},
              "filter": {"resample_hz": None}}
    row = pd.DataFrame({"record": ["iaf1"], "patient": ["iaf1"], "sample": [1000], "channel": ["CS12"],
                        "fs_hz": [1000.0], "label": ["a"], "predicted": ["b"], "probability": [0.9]})
    (trace,) = failure_traces(row, config, layout)
    assert trace.units == "NU"
    figure = failure_gallery_figure([trace])
    assert [ax.get_ylabel() for ax in figure.axes] == ["raw (NU)", "filtered (NU)"]
