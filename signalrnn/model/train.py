"""Train the LSTM on the train split, early-stopping on val; log the run to MLflow."""

from __future__ import annotations

import json

import keras
import mlflow
import numpy as np
import pandas as pd

from signalrnn.config.load import class_names, config_hash, flatten
from signalrnn.errors import SignalrnnError
from signalrnn.io.layout import Layout
from signalrnn.model.build import NETWORK, RR_SCALING, build_model, seed_ensemble
from signalrnn.model.metadata import load_model, model_metadata
from signalrnn.model.resume import TrainingState
from signalrnn.preprocessing.augment import NoiseAugmentation
from signalrnn.preprocessing.dataset import WindowBatches, WindowSet, split_windows
from signalrnn.tracking import EpochMetrics, run_tags, use_experiment

CLASS_WEIGHT_POWERS = {"balanced": 1.0, "sqrt": 0.5, "none": 0.0}


def class_weights(labels: np.ndarray, n_classes: int, method: str | float,
                  max_weight: float | None = None) -> np.ndarray:
    """Per-class loss weights, scaled so that the mean weight over the windows is 1.

    ``balanced``: proportional to 1 / n_c, every class weighs the same in the loss.
    ``sqrt``: proportional to 1 / sqrt(n_c), a milder balance. ``none``: all ones. A number p:
    proportional to n_c ** -p (``balanced`` is p = 1).
    ``max_weight`` caps each weight, so that a class of a handful of windows cannot dominate.
    """
    counts = np.maximum(np.bincount(labels, minlength=n_classes), 1)
    power = CLASS_WEIGHT_POWERS[method] if isinstance(method, str) else float(method)
    weights = counts.astype(float) ** -power
    weights *= len(labels) / max(float(weights[labels].sum()), 1e-12)
    return weights if max_weight is None else np.minimum(weights, max_weight)


def require_every_class(windows: WindowSet, split: str, classes: list[str]) -> None:
    counts = np.bincount(windows.labels, minlength=len(classes))
    empty = [c for c, n in zip(classes, counts, strict=True) if n == 0]
    if empty:
        raise SignalrnnError(
            f"split: the {split} split has no windows of class(es) {empty}; "
            "change split.seed / split.fractions or the record lists"
        )




class TrainingBatches(WindowBatches):
    """Training batches: a per-sample weight from the class weights and, with ``augment``, noise
    added to some windows. The noise is seeded by (seed, epoch, batch), so it does not depend on
    the order in which the reader threads fetch batches."""

    def __init__(self, windows: WindowSet, weights: np.ndarray,
                 augment: NoiseAugmentation | None = None, seed: int = 0, **kwargs):
        super().__init__(windows, seed=seed, **kwargs)
        self.weights = weights.astype(np.float32)
        self.augment = augment
        self.seed = seed
        self.epoch = 0

    def __getitem__(self, i: int):
        x, y = super().__getitem__(i)
        if self.augment is not None:
            rng = np.random.default_rng([self.seed, self.epoch, i])
            x = (x | {"window": self.augment(x["window"], rng)} if isinstance(x, dict)
                 else self.augment(x, rng))
        return x, y, self.weights[y]

    def on_epoch_end(self) -> None:
        super().on_epoch_end()
        self.epoch += 1


def run_name(config: dict, layout: Layout) -> str:
    """MLflow run name: ``<name>-<config hash>``, plus ``-fold<k>`` for a cross-validation fold,
    ``-<trial>`` for a hyperparameter trial and ``-<member>`` for a model beside the LSTM."""
    fold = "" if layout.fold is None else f"-fold{layout.fold}"
    trial = "" if layout.trial is None else f"-{layout.trial}"
    member = "" if layout.member is None else f"-{layout.member}"
    return f"{config['name']}-{config_hash(config)}{fold}{trial}{member}"


def ensemble_seeds(train_cfg: dict) -> list[int]:
    """The seeds of the networks trained: ``train.seed`` and, for a seed ensemble of
    ``train.ensemble`` networks, the next ones."""
    return [train_cfg["seed"] + k for k in range(train_cfg["ensemble"])]


def fit_network(config: dict, seed: int, train_set: WindowSet, val_set: WindowSet,
                state: TrainingState, metrics_prefix: str = "") -> keras.Model:
    """One network built and trained from ``seed``, resuming from ``state``, early-stopped on the
    validation windows; its epochs go to the active MLflow run as ``<metrics_prefix>val_loss``, ..."""
    cfg, classes = config["train"], class_names(config)
    keras.utils.set_random_seed(seed)
    name = NETWORK if cfg["ensemble"] == 1 else f"{NETWORK}_seed{seed}"
    model = build_model(*train_set.shape, len(classes), config["model"], cfg["learning_rate"],
                        n_features=train_set.n_features, name=name)
    if train_set.n_features:
        model.get_layer(RR_SCALING).adapt(train_set.features)
    weights = class_weights(train_set.labels, len(classes), cfg["class_weight"],
                            cfg["max_class_weight"])
    augment = NoiseAugmentation.from_config(config, float(train_set.index["fs_hz"].iat[0]))
    batches = TrainingBatches(train_set, weights, augment, seed=seed,
                              batch_size=cfg["batch_size"], shuffle=True)
    val_batches = WindowBatches(val_set, batch_size=cfg["batch_size"], shuffle=False)
    if state.epochs_done:
        print(f"train: seed {seed}: resuming after epoch {state.epochs_done} from {state.folder}",
              flush=True)
    model.fit(batches, validation_data=val_batches, epochs=cfg["epochs"], verbose=2,
              callbacks=state.callbacks(cfg["patience"], [EpochMetrics(metrics_prefix)]))
    return model


def train(config: dict, layout: Layout) -> str:
    """Fit the network, or the ``train.ensemble`` networks of a seed ensemble one after another
    (resuming a killed training of the same config), save model + metadata + history; return the
    MLflow run id."""
    cfg = config["train"]
    classes = class_names(config)
    train_set, val_set = split_windows(layout, "train", classes), split_windows(layout, "val", classes)
    require_every_class(train_set, "train", classes)
    keras.mixed_precision.set_dtype_policy("mixed_float16" if cfg["mixed_precision"] else "float32")
    seeds = ensemble_seeds(cfg)
    fold = "" if layout.fold is None else f"fold {layout.fold}: "
    ensemble_note = "" if len(seeds) == 1 else f", a seed ensemble of {len(seeds)} networks (seeds {seeds})"
    print(f"train: {fold}{len(train_set)} train / {len(val_set)} val windows of shape "
          f"{train_set.shape}, {train_set.n_features} features, classes {classes}, "
          f"backend {keras.backend.backend()}{ensemble_note}", flush=True)
    layout.model_dir.mkdir(parents=True, exist_ok=True)
    state = TrainingState(layout.resume_dir, config_hash(config))
    use_experiment(config)
    resumed = state.run_id
    if resumed:
        print(f"train: resuming the training of MLflow run {resumed} from {layout.resume_dir}",
              flush=True)
    with mlflow.start_run(run_id=resumed, run_name=None if resumed else run_name(config, layout)) as run:
        if resumed is None:
            state.remember_run(run.info.run_id)
            mlflow.set_tags(run_tags(config) | ({} if layout.fold is None else {"fold": layout.fold})
                            | ({} if layout.trial is None else {"trial": layout.trial}))
            mlflow.log_params({k: str(v)[:500] for k, v in flatten(config).items()})
            mlflow.log_params({"n_train_windows": len(train_set), "n_val_windows": len(val_set)})
        if len(seeds) == 1:
            model = fit_network(config, seeds[0], train_set, val_set, state)
            history = state.epoch_history
        else:
            networks, histories = [], []
            for seed in seeds:
                member = state.member(seed)
                if not member.network.is_file():
                    network = fit_network(config, seed, train_set, val_set, member, f"seed{seed}_")
                    network.save(member.network)
                networks.append(load_model(member.network))
                histories.append(member.epoch_history.assign(seed=seed))
            model, history = seed_ensemble(networks), pd.concat(histories, ignore_index=True)
        history.to_csv(layout.history, index=False)
        layout.mlflow_run.write_text(json.dumps({"run_id": run.info.run_id}))
        model.save(layout.model)
        state.discard()
        first = train_set.index.iloc[0]
        meta = model_metadata(config, train_set.shape, train_set.n_features, str(first["record"]),
                              first["fs_hz"])
        layout.model_meta.write_text(json.dumps(meta, indent=2))
        mlflow.log_artifact(str(layout.model_meta), "model_meta")
        return run.info.run_id
