"""Windows are cut at the right samples, never past a record's edges, and streamed to disk."""

import numpy as np
import pandas as pd
import pytest

from signalrnn.errors import SignalrnnError
from signalrnn.preprocessing.window import (
    RR_COLUMNS,
    STEADY_IRREGULARITY,
    extract_windows,
    inside_record,
    normalize,
    rr_features,
    window_record,
    window_samples,
    windowed_channels,
)

WINDOW = {"pre_ms": 2, "post_ms": 3, "channels": "annotated", "normalize": "none",
          "median_difference": False, "rr_features": False, "rr_local_beats": 10, "rr_short_beats": 5}


def events(samples, channels=None):
    return pd.DataFrame({"record": "r", "patient": "p", "sample": samples,
                         "channel": channels or ["A"] * len(samples), "code": "x",
                         "label": "single"})


def test_window_length_follows_ms_and_rate():
    assert window_samples(1000, 40, 80) == (40, 80)
    assert window_samples(360, 250, 500) == (90, 180)


def test_windows_at_the_edges_are_kept_only_when_whole():
    # record of 10 samples; window = [s - 2, s + 3)
    assert inside_record(np.array([1, 2, 7, 8]), 2, 3, 10).tolist() == [False, True, True, False]


def test_extract_takes_the_samples_around_each_event():
    signal = np.arange(20, dtype=float).reshape(10, 2)
    out = extract_windows(signal, np.array([2, 5]), np.array([[1], [0]]), 2, 3)
    assert out.shape == (2, 5, 1)
    assert out[0, :, 0].tolist() == [1, 3, 5, 7, 9]      # channel 1, samples 0..4
    assert out[1, :, 0].tolist() == [6, 8, 10, 12, 14]  # channel 0, samples 3..7


def test_zscore_gives_each_window_zero_mean_unit_sd():
    rng = np.random.default_rng(0)
    out = normalize(rng.normal(3.0, 7.0, (4, 50, 2)), "zscore")
    assert np.allclose(out.mean(axis=1), 0, atol=1e-5)
    assert np.allclose(out.std(axis=1), 1, atol=1e-3)


def test_window_record_writes_an_index_matching_the_npy(tmp_path):
    signal = np.arange(30, dtype=np.float32).reshape(15, 2)
    out = tmp_path / "r.npy"
    index, _ = window_record(signal, 1000, ["A", "B"], events([1, 4, 9, 13], ["A", "B", "A", "A"]),
                          WINDOW, out)
    windows = np.load(out)
    assert index["sample"].tolist() == [4, 9]  # 1 and 13 are too close to the edges
    assert windows.shape == (2, 5, 1)
    assert windows[0, :, 0].tolist() == [5, 7, 9, 11, 13]  # channel B, samples 2..6


def test_a_missing_channel_is_named(tmp_path):
    with pytest.raises(SignalrnnError, match=r"channels \['Z'\] not in the record"):
        window_record(np.zeros((20, 1), np.float32), 1000, ["A"], events([5], ["Z"]), WINDOW,
                      tmp_path / "r.npy")


def test_the_filter_step_keeps_only_the_channels_that_windows_read_in_window_order():
    names = ["V5", "MLII", "V1"]
    assert windowed_channels(["MLII"], names, "114") == ["MLII"]
    assert windowed_channels(["V1", "V5"], names, "114") == ["V1", "V5"]
    assert windowed_channels("all", names, "114") == names
    assert windowed_channels("annotated", names, "114") == names  # any channel may be annotated
    with pytest.raises(SignalrnnError, match=r"114: channels \['II'\] not in the record.*window.channels"):
        windowed_channels(["II"], names, "114")


def test_a_channel_given_as_alternatives_is_the_first_of_them_the_record_has(tmp_path):
    second_lead = ["V1", "V2", "V4", "V5"]  # MIT-BIH's second lead differs between records
    assert windowed_channels(["MLII", second_lead], ["V5", "MLII"], "114") == ["MLII", "V5"]
    assert windowed_channels(["MLII", second_lead], ["MLII", "V1"], "101") == ["MLII", "V1"]
    with pytest.raises(SignalrnnError, match=r"x: channels \[\['V1', 'V2', 'V4', 'V5'\]\] not in the record"):
        windowed_channels(["MLII", second_lead], ["MLII", "V3"], "x")
    signal = np.stack([np.full(20, 5.0), np.full(20, 1.0)], axis=1).astype(np.float32)  # V5, MLII
    window = WINDOW | {"channels": ["MLII", second_lead]}
    window_record(signal, 1000, ["V5", "MLII"], events([10]), window, tmp_path / "114.npy")
    assert np.load(tmp_path / "114.npy")[0, 0].tolist() == [1.0, 5.0]  # MLII first, then V5


def test_rr_features_are_the_neighbouring_intervals_and_their_ratio_to_the_local_mean():
    samples = np.array([0, 100, 200, 260, 400, 500])  # 1 s beats at 100 Hz, one premature
    features = rr_features(samples, fs_hz=100, local_beats=3, short_beats=5)
    previous, following, previous_ratio, following_ratio = features[:, :4].T
    assert previous.tolist() == pytest.approx([1.0, 1.0, 1.0, 0.6, 1.4, 1.0])
    assert following.tolist() == pytest.approx([1.0, 1.0, 0.6, 1.4, 1.0, 1.0])
    local = np.array([1.0, 1.0, 2.6 / 3, 1.0, 1.0, 1.2])  # mean of 3 centred previous RRs
    assert previous_ratio == pytest.approx(previous / local)
    assert following_ratio == pytest.approx(following / local)
    assert previous_ratio[3] < 0.7  # the premature beat stands out


def test_an_early_beat_is_premature_in_a_regular_rhythm_and_usual_in_an_irregular_one():
    regular = np.cumsum(np.r_[0, np.full(10, 1.0), 0.6, 1.4, np.full(10, 1.0)])
    irregular = np.cumsum(np.r_[0, np.tile([0.7, 1.3], 5), 0.6, 1.4, np.tile([0.7, 1.3], 5)])
    columns = [RR_COLUMNS.index(c) for c in ("rr_prev_short_ratio", "rr_irregularity", "rr_prematurity")]
    beat = 11  # the beat 0.6 s after its predecessor, followed by a 1.4 s pause
    early, jumpy, premature = rr_features(regular * 100, 100, local_beats=20, short_beats=9)[beat, columns]
    assert early == pytest.approx(0.6) and jumpy == pytest.approx(0.0)
    assert premature == pytest.approx(0.4 / STEADY_IRREGULARITY)  # 40 % early, in a steady rhythm
    early, jumpy, premature = rr_features(irregular * 100, 100, local_beats=20, short_beats=9)[beat, columns]
    assert early < 0.9 and jumpy > 0.5  # early beats are usual here
    assert premature < 1


def test_rr_features_refuse_events_that_share_their_samples():
    with pytest.raises(SignalrnnError, match="window.rr_features: .*one event per beat"):
        rr_features(np.array([0, 0, 0, 100, 100, 100, 200, 200, 200]), 100, local_beats=9, short_beats=5)


def test_windows_of_a_resampled_signal_are_cut_at_the_rescaled_samples(tmp_path):
    signal = np.arange(50, dtype=np.float32)[:, None]  # 50 samples at 100 Hz
    window = {**WINDOW, "pre_ms": 20, "post_ms": 30}   # 2 + 3 samples at 100 Hz
    index, _ = window_record(signal, 100, ["A"], events([80, 160, 196]), window, tmp_path / "r.npy",
                          record_fs_hz=400)            # the events' samples are at 400 Hz
    assert np.load(tmp_path / "r.npy")[:, :, 0].tolist() == [[18, 19, 20, 21, 22],
                                                             [38, 39, 40, 41, 42]]
    assert index["sample"].tolist() == [80, 160]       # 196 -> 49 runs past the end
    assert index["fs_hz"].unique().tolist() == [100]


def test_rr_features_travel_in_the_window_index_measured_before_edge_windows_drop(tmp_path):
    signal = np.zeros((1000, 1), np.float32)  # 10 s at 100 Hz
    index, _ = window_record(signal, 100, ["A"], events([100, 200, 300, 990]),
                          {**WINDOW, "post_ms": 200, "rr_features": True}, tmp_path / "r.npy")
    assert index["sample"].tolist() == [100, 200, 300]  # 990 + 200 ms runs past the end
    np.testing.assert_allclose(index[RR_COLUMNS[:2]], [[1, 1], [1, 1], [1, 6.9]])


def test_median_difference_channels_show_how_a_window_differs_from_the_records_usual_one(tmp_path):
    signal = np.zeros((100, 1), np.float32)
    signal[48:53, 0] = 1.0                     # the one odd event at sample 50
    window = {**WINDOW, "pre_ms": 2, "post_ms": 3, "channels": "all", "median_difference": True}
    window_record(signal, 1000, ["A"], events([10, 30, 50, 70, 90]), window, tmp_path / "r.npy")
    windows = np.load(tmp_path / "r.npy")
    assert windows.shape == (5, 5, 2)
    np.testing.assert_array_equal(windows[:, :, 1], windows[:, :, 0])  # the usual window is flat
    assert windows[2, :, 1].tolist() == [1, 1, 1, 1, 1] and not windows[[0, 1, 3, 4], :, 1].any()


def test_a_record_is_written_in_chunks_as_it_would_be_at_once(tmp_path, monkeypatch):
    signal = np.random.default_rng(0).normal(size=(400, 2)).astype(np.float32)
    window = {**WINDOW, "channels": "all", "normalize": "zscore", "median_difference": True}
    at_once = window_record(signal, 1000, ["A", "B"], events(list(range(10, 390, 7))), window,
                            tmp_path / "once.npy")[0]
    monkeypatch.setattr("signalrnn.preprocessing.window.CHUNK_WINDOWS", 4)  # 55 windows: 14 chunks
    in_chunks = window_record(signal, 1000, ["A", "B"], events(list(range(10, 390, 7))), window,
                              tmp_path / "chunks.npy")[0]
    pd.testing.assert_frame_equal(in_chunks, at_once)
    np.testing.assert_array_equal(np.load(tmp_path / "chunks.npy"), np.load(tmp_path / "once.npy"))
