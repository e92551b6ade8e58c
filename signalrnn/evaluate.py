"""Evaluate the trained model on the test split; write metrics.json and log them to MLflow."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import mlflow
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from mlflow.models import infer_signature

from signalrnn.dataset import WindowBatches
from signalrnn.errors import SignalrnnError
from signalrnn.layout import Layout
from signalrnn.metrics import classification_metrics
from signalrnn.plots import confusion_figure
from signalrnn.split import split_folds
from signalrnn.tracking import fingerprint, run_tags, use_experiment
from signalrnn.train import class_names, run_name, split_windows

SPLIT = "test"


def load_model(path: str | Path) -> keras.Model:
    """Load a .keras model in Keras' safe mode (no arbitrary code from the file)."""
    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as exc:
        raise SignalrnnError(
            f"{path}: cannot load the model ({type(exc).__name__}); retrain it or pass a .keras file "
            "written by signalrnn train"
        ) from None


def input_files(config: dict, layout: Layout) -> list[Path]:
    """Every file the evaluated numbers depend on: records, annotations and windows."""
    records = pd.read_csv(layout.split, dtype={"record": str})["record"].unique()
    data_dir = Path(config["data_dir"])
    ext = config["annotation"]["extension"]
    return [data_dir / f"{r}.{s}" for r in records for s in ("hea", "dat", ext)] + [
        layout.windows(r) for r in records
    ]


def evaluate(config: dict, layout: Layout) -> dict:
    """Metrics of the model on the test split; also writes predictions and the confusion figure."""
    classes = class_names(config)
    test_set = split_windows(config, layout, SPLIT)
    model = load_model(layout.model)
    probs = model.predict(
        WindowBatches(test_set, batch_size=config["train"]["batch_size"], shuffle=False), verbose=0
    )
    predicted = probs.argmax(axis=1)
    metrics = classification_metrics(test_set.labels, predicted, classes, SPLIT)
    fold = {} if layout.fold is None else {"fold": int(layout.fold)}
    metrics.update(fold)
    table = test_set.index.drop(columns=["file", "row"]).assign(
        **fold, predicted=[classes[i] for i in predicted], probability=probs.max(axis=1).round(4),
        **{f"p_{c}": probs[:, i].round(4) for i, c in enumerate(classes)},
    )
    figure = _write_results(layout, metrics, table)
    example = test_set.model_inputs(np.arange(min(4, len(test_set))))
    run_id = json.loads(layout.mlflow_run.read_text())["run_id"]
    use_experiment(config)
    with mlflow.start_run(run_id=run_id):
        _log_to_mlflow(config, layout, metrics, figure)
        # The tensorflow flavour stores the Keras 3 model as .keras; mlflow.keras.log_model
        # cannot save an input example (mlflow/mlflow#16183, open in MLflow 3.18).
        mlflow.tensorflow.log_model(
            model, name="model", signature=infer_signature(example, model.predict(example, verbose=0)),
            input_example=example,
        )
    return metrics


def pool_folds(config: dict, layout: Layout) -> dict:
    """Metrics of all cross-validation folds' test predictions pooled, plus each fold's metrics
    under ``folds``; writes the pooled metrics.json, predictions.csv and confusion figure."""
    classes = class_names(config)
    folds = split_folds(layout.split)
    table = pd.concat([pd.read_csv(layout.for_fold(k).predictions, dtype={"record": str, "patient": str})
                       for k in folds], ignore_index=True)
    index = {c: i for i, c in enumerate(classes)}
    metrics = classification_metrics(table["label"].map(index).to_numpy(),
                                     table["predicted"].map(index).to_numpy(), classes, SPLIT)
    metrics["folds"] = [json.loads(layout.for_fold(k).metrics.read_text()) for k in folds]
    figure = _write_results(layout, metrics, table)
    use_experiment(config)
    with mlflow.start_run(run_name=f"{run_name(config, layout)}-pooled") as run:
        layout.model_dir.mkdir(parents=True, exist_ok=True)
        layout.mlflow_run.write_text(json.dumps({"run_id": run.info.run_id}))
        mlflow.set_tags(run_tags(config) | {"folds": str(len(folds))})
        _log_to_mlflow(config, layout, metrics, figure)
    return metrics


def _write_results(layout: Layout, metrics: dict, predictions: pd.DataFrame) -> Figure:
    """Write metrics.json, predictions.csv and the confusion figure; print a summary line."""
    layout.metrics.parent.mkdir(parents=True, exist_ok=True)
    layout.metrics.write_text(json.dumps(metrics, indent=2))
    predictions.to_csv(layout.predictions, index=False)
    layout.confusion_png.parent.mkdir(parents=True, exist_ok=True)
    figure = confusion_figure(np.array(metrics["confusion_matrix"]), metrics["classes"], SPLIT)
    figure.savefig(layout.confusion_png, dpi=120)
    scope = ("pooled folds" if "folds" in metrics else SPLIT if layout.fold is None
             else f"fold {layout.fold}")
    print(f"evaluate: {scope}, {metrics['n_windows']} windows: "
          f"accuracy {metrics['accuracy']:.3f}, balanced accuracy "
          f"{metrics['balanced_accuracy']:.3f}, macro-F1 {metrics['macro_f1']:.3f}", flush=True)
    return figure


def _log_to_mlflow(config: dict, layout: Layout, metrics: dict, figure: Figure) -> None:
    """Log test metrics, the confusion figure and the input fingerprints to the active run."""
    scalars = {f"{SPLIT}_{k}": metrics[k] for k in ("accuracy", "balanced_accuracy", "macro_f1")}
    for cls, values in metrics["per_class"].items():
        scalars.update({f"{SPLIT}_{cls}_{k}": v for k, v in values.items() if k != "support"})
    mlflow.log_metrics(scalars)
    mlflow.log_figure(figure, f"figures/{SPLIT}_confusion_matrix.png")
    mlflow.log_dict(metrics, "metrics.json")
    prints = fingerprint(input_files(config, layout))
    mlflow.log_dict(prints, "data_fingerprints.json")
    mlflow.set_tag("data_fingerprint", prints["__all__"])
