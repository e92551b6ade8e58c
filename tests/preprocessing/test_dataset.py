"""WindowSet and WindowBatches: streaming windows from disk gives exactly the arrays an in-memory
path would, with labels and, when the index has them, RR features."""

import numpy as np

from signalrnn.preprocessing.dataset import WindowBatches, WindowSet
from signalrnn.preprocessing.window import RR_COLUMNS
from tests.helpers import write_windows


def test_windows_of_several_records_come_back_in_index_order(tmp_path):
    a = write_windows(tmp_path, "a", ["x", "y"], seed=1)
    b = write_windows(tmp_path, "b", ["y"], seed=2)
    windows = WindowSet(tmp_path, ["a", "b"], ["x", "y"])
    assert windows.shape == (7, 2) and windows.labels.tolist() == [0, 1, 1]
    assert np.array_equal(windows.take(np.array([1, 2])), np.stack([a[1], b[0]]))
    assert windows.n_features == 0
    x, y = WindowBatches(windows, batch_size=2, shuffle=False)[0]
    assert np.array_equal(x, a) and y.tolist() == [0, 1]


def test_batches_are_the_in_memory_windows_in_the_shuffled_order(tmp_path):
    labels = np.where(np.concatenate([np.arange(50), np.arange(30)]) % 3, "a", "b")
    in_memory = np.concatenate([write_windows(tmp_path, "r1", labels[:50], seed=1),
                                write_windows(tmp_path, "r2", labels[50:], seed=2)])
    windows = WindowSet(tmp_path, ["r1", "r2"], ["a", "b"])
    batches = WindowBatches(windows, batch_size=16, shuffle=True, seed=3)
    order = batches.order.copy()
    streamed = [batches[i] for i in range(len(batches))]
    x = np.concatenate([b[0] for b in streamed])
    y = np.concatenate([b[1] for b in streamed])
    assert np.array_equal(x, in_memory[order])
    assert np.array_equal(y, (labels == "b").astype(int)[order])
    batches.on_epoch_end()
    assert not np.array_equal(batches.order, order)  # a new order each epoch
    assert sorted(batches.order) == list(range(80))


def test_unshuffled_batches_keep_record_order(tmp_path):
    first = write_windows(tmp_path, "r1", ["a"] * 10, seed=1)
    windows = WindowSet(tmp_path, ["r1"], ["a", "b"])
    x = np.concatenate([b[0] for b in WindowBatches(windows, batch_size=4, shuffle=False)])
    assert np.array_equal(x, first)


def test_rr_features_come_beside_the_windows(tmp_path):
    rr = [[0.8, 0.9, 1.0, 1.1, 1.0, 1.0, 0.1, 0.0], [0.5, 1.2, 0.6, 1.4, 0.6, 1.5, 0.1, 4.0]]
    write_windows(tmp_path, "a", ["N", "SVEB"], rr)
    windows = WindowSet(tmp_path, ["a"], ["N", "SVEB"])
    assert windows.n_features == len(RR_COLUMNS)
    inputs, labels = WindowBatches(windows, batch_size=2, shuffle=False)[0]
    assert set(inputs) == {"window", "rr"}
    assert inputs["window"].shape == (2, 7, 2)
    np.testing.assert_allclose(inputs["rr"], rr)
    assert labels.tolist() == [0, 1]
