"""Windows of several records streamed from their .npy files (memory-mapped) in batches."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pandas as pd

from signalrnn.errors import SignalrnnError
from signalrnn.io.layout import Layout
from signalrnn.preprocessing.window import RR_COLUMNS


class WindowSet:
    """The windows of some records: labels (and RR features, when the index has them) in memory,
    samples memory-mapped from disk."""

    def __init__(self, windows_dir: str | Path, records: list[str], classes: list[str]):
        self.arrays: list[np.ndarray] = []
        index = []
        for i, record in enumerate(records):
            npy = Path(windows_dir) / f"{record}.npy"
            array = np.load(npy, mmap_mode="r")
            table = pd.read_csv(npy.with_suffix(".csv"))
            if len(table) != len(array):
                raise SignalrnnError(f"{npy}: {len(array)} windows but {len(table)} index rows; "
                                     "rerun the window step")
            self.arrays.append(array)
            index.append(table.assign(file=i, row=np.arange(len(table))))
        self.index = pd.concat(index, ignore_index=True) if index else pd.DataFrame()
        shapes = {a.shape[1:] for a in self.arrays if len(a)}
        if len(shapes) > 1:
            raise SignalrnnError(
                f"{windows_dir}: windows differ in shape {sorted(shapes)} between records "
                "(different sampling rates or channel counts); resample or select channels"
            )
        self.shape = shapes.pop() if shapes else (0, 0)
        self.classes = classes
        self.labels = self.index["label"].map({c: i for i, c in enumerate(classes)}).to_numpy()
        self.files = self.index["file"].to_numpy() if len(self.index) else np.zeros(0, int)
        self.rows = self.index["row"].to_numpy() if len(self.index) else np.zeros(0, int)
        has_rr = set(RR_COLUMNS) <= set(self.index.columns)
        self.features = self.index[RR_COLUMNS].to_numpy(np.float32) if has_rr else None

    @property
    def n_features(self) -> int:
        """Number of per-window features beside the samples (0 = none)."""
        return 0 if self.features is None else self.features.shape[1]

    def __len__(self) -> int:
        return len(self.index)

    def take(self, positions: np.ndarray) -> np.ndarray:
        """Windows at ``positions`` (rows of ``index``), as one float32 array."""
        positions = np.asarray(positions)
        out = np.empty((len(positions), *self.shape), dtype=np.float32)
        files, rows = self.files[positions], self.rows[positions]
        for f in np.unique(files):
            mask = files == f
            out[mask] = self.arrays[f][rows[mask]]
        return out

    def model_inputs(self, positions: np.ndarray) -> np.ndarray | dict[str, np.ndarray]:
        """What the model takes for the windows at ``positions``: the windows, or with RR features
        the dict {"window": windows, "rr": features}."""
        windows = self.take(positions)
        if self.features is None:
            return windows
        return {"window": windows, "rr": self.features[np.asarray(positions)]}


class WindowBatches(keras.utils.PyDataset):
    """Keras dataset over a WindowSet: shuffled each epoch (seeded) or in order.

    Two reader threads prepare the next batches while the model trains on the current one.
    """

    def __init__(self, windows: WindowSet, batch_size: int, shuffle: bool, seed: int = 0,
                 workers: int = 2, **kwargs):
        super().__init__(workers=workers, **kwargs)
        self.windows = windows
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(len(windows)) if shuffle else np.arange(len(windows))

    def __len__(self) -> int:
        return -(-len(self.windows) // self.batch_size)

    def __getitem__(self, i: int):
        positions = self.order[i * self.batch_size:(i + 1) * self.batch_size]
        return self.windows.model_inputs(positions), self.windows.labels[positions]

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self.order = self.rng.permutation(len(self.windows))


def split_windows(layout: Layout, split: str, classes: list[str]) -> WindowSet:
    """The windows of every record assigned to ``split`` (in the layout's fold, if any)."""
    table = pd.read_csv(layout.split, dtype={"record": str, "patient": str})
    if layout.fold is not None:
        table = table[table["fold"] == int(layout.fold)]
    records = table.loc[table["split"] == split, "record"].tolist()
    return WindowSet(layout.windows_dir, records, classes)
