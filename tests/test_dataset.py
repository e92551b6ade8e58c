"""Streaming windows from disk gives exactly the arrays an in-memory path would."""

import numpy as np
import pandas as pd

from signalrnn.dataset import WindowBatches, WindowSet

CLASSES = ["a", "b"]


def write_record(folder, name, n, seed):
    windows = np.random.default_rng(seed).normal(size=(n, 7, 2)).astype(np.float32)
    np.save(folder / f"{name}.npy", windows)
    pd.DataFrame({"record": name, "patient": name, "sample": np.arange(n), "channel": "x",
                  "label": np.where(np.arange(n) % 3, "a", "b"), "fs_hz": 100.0}).to_csv(
        folder / f"{name}.csv", index=False)
    return windows


def test_batches_are_the_in_memory_windows_in_the_shuffled_order(tmp_path):
    in_memory = np.concatenate([write_record(tmp_path, "r1", 50, 1), write_record(tmp_path, "r2", 30, 2)])
    labels = np.where(np.concatenate([np.arange(50), np.arange(30)]) % 3, 0, 1)
    windows = WindowSet(tmp_path, ["r1", "r2"], CLASSES)
    batches = WindowBatches(windows, batch_size=16, shuffle=True, seed=3)
    order = batches.order.copy()
    streamed = [batches[i] for i in range(len(batches))]
    x = np.concatenate([b[0] for b in streamed])
    y = np.concatenate([b[1] for b in streamed])
    assert np.array_equal(x, in_memory[order])
    assert np.array_equal(y, labels[order])
    batches.on_epoch_end()
    assert not np.array_equal(batches.order, order)  # a new order each epoch
    assert sorted(batches.order) == list(range(80))


def test_unshuffled_batches_keep_record_order(tmp_path):
    first = write_record(tmp_path, "r1", 10, 1)
    windows = WindowSet(tmp_path, ["r1"], CLASSES)
    x = np.concatenate([b[0] for b in WindowBatches(windows, batch_size=4, shuffle=False)])
    assert np.array_equal(x, first)
