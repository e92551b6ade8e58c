"""Events without annotations: sliding windows tile a record; XQRS finds the annotated beats."""

import numpy as np

from signalrnn.data.detect import qrs_samples, sliding_samples
from signalrnn.io.records import read_annotation, read_record


def test_sliding_windows_tile_the_record_and_stay_inside_it():
    samples = sliding_samples(n_samples=100, n_pre=0, n_post=20, step=20)
    assert samples.tolist() == [0, 20, 40, 60, 80]  # the last window ends exactly at sample 100


def test_sliding_windows_overlap_when_the_step_is_shorter_than_the_window():
    samples = sliding_samples(n_samples=100, n_pre=10, n_post=30, step=20)
    assert samples.tolist() == [10, 30, 50, 70]
    assert (samples - 10 >= 0).all() and (samples + 30 <= 100).all()


def test_a_record_shorter_than_one_window_has_no_windows():
    assert sliding_samples(n_samples=10, n_pre=0, n_post=20, step=5).size == 0


def test_xqrs_finds_the_annotated_beats_of_a_real_record(real_data):
    folder = real_data / "mitdb-ds1"
    record = read_record(folder, "101")
    n = int(120 * record.fs_hz)  # two minutes
    found = qrs_samples(record.signal[:n, 0], record.fs_hz)
    ann = read_annotation(folder, "101", "atr")
    beats = ann.sample[(ann.sample < n) & np.isin(ann.symbol, ["N", "A", "V", "Q"])]
    tolerance = int(0.15 * record.fs_hz)  # 150 ms, as in ANSI/AAMI EC57 beat matching
    nearest = np.abs(found[None, :] - beats[:, None]).min(axis=1)
    assert (nearest <= tolerance).mean() > 0.97
    assert abs(len(found) - len(beats)) <= 0.03 * len(beats)
