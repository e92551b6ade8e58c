"""Train the LSTM on the train split, early-stopping on val; log the run to MLflow."""

from __future__ import annotations

import json

import keras
import mlflow
import numpy as np
import pandas as pd

from signalrnn.config import config_hash, flatten
from signalrnn.dataset import WindowBatches, WindowSet
from signalrnn.errors import SignalrnnError
from signalrnn.layout import Layout
from signalrnn.model import build_model
from signalrnn.tracking import EpochMetrics, run_tags, use_experiment


def class_names(config: dict) -> list[str]:
    """Class names in index order (the order of ``annotation.classes``)."""
    return list(config["annotation"]["classes"])


def split_windows(config: dict, layout: Layout, split: str) -> WindowSet:
    """The windows of every record assigned to ``split``."""
    table = pd.read_csv(layout.split)
    records = table.loc[table["split"] == split, "record"].tolist()
    return WindowSet(layout.windows_dir, records, class_names(config))


def balanced_weights(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Per-class weights n / (k * n_c), so every class weighs the same in the loss."""
    counts = np.bincount(labels, minlength=n_classes)
    return len(labels) / (n_classes * np.maximum(counts, 1))


def require_every_class(windows: WindowSet, split: str, classes: list[str]) -> None:
    counts = np.bincount(windows.labels, minlength=len(classes))
    empty = [c for c, n in zip(classes, counts, strict=True) if n == 0]
    if empty:
        raise SignalrnnError(
            f"split: the {split} split has no windows of class(es) {empty}; "
            "change split.seed / split.fractions or the record lists"
        )


def model_metadata(config: dict, windows: WindowSet) -> dict:
    """Everything needed to preprocess new data exactly as in training."""
    return {
        "name": config["name"],
        "config_hash": config_hash(config),
        "classes": class_names(config),
        "input_shape": list(windows.shape),
        "fs_hz": float(windows.index["fs_hz"].iat[0]),
        "filter": config["filter"],
        "window": config["window"],
        "annotation": config["annotation"],
    }


class WeightedBatches(WindowBatches):
    """Training batches with a per-sample weight from the class weights."""

    def __init__(self, windows: WindowSet, weights: np.ndarray, **kwargs):
        super().__init__(windows, **kwargs)
        self.weights = weights.astype(np.float32)

    def __getitem__(self, i: int):
        x, y = super().__getitem__(i)
        return x, y, self.weights[y]


def train(config: dict, layout: Layout) -> str:
    """Fit, save model + metadata + history; return the MLflow run id."""
    cfg = config["train"]
    classes = class_names(config)
    train_set, val_set = split_windows(config, layout, "train"), split_windows(config, layout, "val")
    require_every_class(train_set, "train", classes)
    keras.utils.set_random_seed(cfg["seed"])
    model = build_model(*train_set.shape, len(classes), config["model"], cfg["learning_rate"])
    weights = (balanced_weights(train_set.labels, len(classes)) if cfg["class_weight"] == "balanced"
               else np.ones(len(classes)))
    batches = WeightedBatches(train_set, weights, batch_size=cfg["batch_size"], shuffle=True,
                              seed=cfg["seed"])
    val_batches = WindowBatches(val_set, batch_size=cfg["batch_size"], shuffle=False)
    print(f"train: {len(train_set)} train / {len(val_set)} val windows of shape {train_set.shape}, "
          f"classes {classes}, backend {keras.backend.backend()}", flush=True)
    layout.model_dir.mkdir(parents=True, exist_ok=True)
    use_experiment(config)
    with mlflow.start_run(run_name=f"{config['name']}-{config_hash(config)}") as run:
        layout.mlflow_run.write_text(json.dumps({"run_id": run.info.run_id}))
        mlflow.set_tags(run_tags(config))
        mlflow.log_params({k: str(v)[:500] for k, v in flatten(config).items()})
        mlflow.log_params({"n_train_windows": len(train_set), "n_val_windows": len(val_set)})
        model.fit(
            batches, validation_data=val_batches, epochs=cfg["epochs"], verbose=2,
            callbacks=[
                keras.callbacks.EarlyStopping("val_loss", patience=cfg["patience"],
                                              restore_best_weights=True),
                keras.callbacks.CSVLogger(str(layout.history)),
                EpochMetrics(),
            ],
        )
        model.save(layout.model)
        layout.model_meta.write_text(json.dumps(model_metadata(config, train_set), indent=2))
        mlflow.log_artifact(str(layout.model_meta), "model_meta")
        return run.info.run_id
