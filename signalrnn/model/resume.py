"""Resumable training: a killed ``signalrnn train`` goes on from its last finished epoch.

The training state lives in ``model/resume/``, which is no Snakemake output, so the clean-up of a
failed job keeps it: Keras' BackupAndRestore checkpoint (weights, optimizer state, epoch), the
early-stopping state with its best weights, the history so far and the MLflow run id. The state
belongs to one config hash; that of another config is discarded. A finished training deletes it.
The networks of a seed ensemble (``train.ensemble``) each keep theirs in a subfolder
(``seed<k>/``, with the finished network), so a resumed ensemble retrains none that had finished.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import keras
import numpy as np
import pandas as pd
from keras.callbacks import Callback


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(text)
    os.replace(tmp, path)


class ResumableEarlyStopping(keras.callbacks.EarlyStopping):
    """EarlyStopping on ``val_loss`` (best weights restored at the end) whose best value, best
    weights and patience count are saved to ``folder`` after every epoch and read back at the
    start, so that a resumed training stops where an uninterrupted one would."""

    def __init__(self, folder: Path, patience: int):
        super().__init__("val_loss", patience=patience, restore_best_weights=True)
        self.state, self.weights = folder / "early_stopping.json", folder / "best.weights.npz"

    def on_train_begin(self, logs: dict | None = None) -> None:
        super().on_train_begin(logs)
        if self.state.is_file() and self.weights.is_file():
            state = json.loads(self.state.read_text())
            self.best, self.wait, self.best_epoch = state["best"], state["wait"], state["best_epoch"]
            with np.load(self.weights) as saved:
                self.best_weights = [saved[f"w{i}"] for i in range(len(saved.files))]

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        super().on_epoch_end(epoch, logs)
        if self.best_weights is None:
            return
        if self.best_epoch == epoch:
            tmp = self.weights.with_name("best.partial.npz")
            np.savez(tmp, **{f"w{i}": w for i, w in enumerate(self.best_weights)})
            os.replace(tmp, self.weights)
        _write_atomic(self.state, json.dumps(
            {"best": float(self.best), "wait": self.wait, "best_epoch": self.best_epoch}))


class TrainingState:
    """The resumable state of one training in ``folder``, for the config of hash ``config_hash``."""

    def __init__(self, folder: Path, config_hash: str):
        self.folder = folder
        if (folder / "config_hash").is_file() and (folder / "config_hash").read_text() != config_hash:
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config_hash").write_text(config_hash)

    @property
    def history(self) -> Path:
        """Epoch history (CSV) so far, appended to by a resumed training."""
        return self.folder / "history.csv"

    @property
    def epochs_done(self) -> int:
        """Epochs finished before this start (0 for a fresh training)."""
        meta = self.folder / "keras" / "training_metadata.json"
        return json.loads(meta.read_text())["epoch"] if meta.is_file() else 0

    @property
    def run_id(self) -> str | None:
        """The MLflow run of the interrupted training, if any."""
        path = self.folder / "mlflow_run.json"
        return json.loads(path.read_text())["run_id"] if path.is_file() else None

    def remember_run(self, run_id: str) -> None:
        _write_atomic(self.folder / "mlflow_run.json", json.dumps({"run_id": run_id}))

    def callbacks(self, patience: int, loggers: list[Callback]) -> list[Callback]:
        """Early stopping that survives restarts, the appended history, ``loggers`` (e.g. to
        MLflow) and, last, the checkpoint of every epoch: an epoch counts as done only once all
        the others have seen it (a kill in between makes the resumed training redo it)."""
        return [
            ResumableEarlyStopping(self.folder, patience),
            keras.callbacks.CSVLogger(str(self.history), append=True),
            *loggers,
            keras.callbacks.BackupAndRestore(str(self.folder / "keras"), delete_checkpoint=False),
        ]

    def member(self, seed: int) -> TrainingState:
        """The state of the ensemble's network of ``seed``, in its own subfolder."""
        return TrainingState(self.folder / f"seed{seed}", (self.folder / "config_hash").read_text())

    @property
    def network(self) -> Path:
        """Where the finished network of an ensemble waits for the others."""
        return self.folder / "network.keras"

    @property
    def epoch_history(self) -> pd.DataFrame:
        """The whole history so far (an epoch redone after a kill once)."""
        return pd.read_csv(self.history).drop_duplicates("epoch", keep="last")

    def discard(self) -> None:
        """Delete the state once the training has finished and its outputs are written."""
        shutil.rmtree(self.folder)
