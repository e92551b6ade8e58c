"""WindowSet and WindowBatches deliver windows, labels and, when the index has them, RR features."""

import numpy as np
import pandas as pd

from signalrnn.dataset import WindowBatches, WindowSet
from signalrnn.window import RR_COLUMNS


def write_windows(folder, record, labels, rr=None):
    n = len(labels)
    np.save(folder / f"{record}.npy", np.arange(n * 6, dtype=np.float32).reshape(n, 3, 2))
    index = pd.DataFrame({"record": record, "sample": np.arange(n), "label": labels, "fs_hz": 100.0})
    if rr is not None:
        index = index.assign(**dict(zip(RR_COLUMNS, np.asarray(rr, np.float32).T, strict=True)))
    index.to_csv(folder / f"{record}.csv", index=False)


def test_windows_of_several_records_come_back_in_index_order(tmp_path):
    write_windows(tmp_path, "a", ["x", "y"])
    write_windows(tmp_path, "b", ["y"])
    windows = WindowSet(tmp_path, ["a", "b"], ["x", "y"])
    assert windows.shape == (3, 2) and windows.labels.tolist() == [0, 1, 1]
    assert windows.take(np.array([1, 2]))[:, 0, 0].tolist() == [6.0, 0.0]  # a row 1, b row 0
    assert windows.n_features == 0
    x, y = WindowBatches(windows, batch_size=2, shuffle=False)[0]
    assert x.shape == (2, 3, 2) and y.tolist() == [0, 1]


def test_rr_features_come_beside_the_windows(tmp_path):
    rr = [[0.8, 0.9, 1.0, 1.1], [0.5, 1.2, 0.6, 1.4]]
    write_windows(tmp_path, "a", ["N", "SVEB"], rr)
    windows = WindowSet(tmp_path, ["a"], ["N", "SVEB"])
    assert windows.n_features == 4
    inputs, labels = WindowBatches(windows, batch_size=2, shuffle=False)[0]
    assert set(inputs) == {"window", "rr"}
    assert inputs["window"].shape == (2, 3, 2)
    np.testing.assert_allclose(inputs["rr"], rr)
    assert labels.tolist() == [0, 1]
