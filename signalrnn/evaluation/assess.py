"""Evaluate the trained model on the test split and log everything to MLflow.

Numbers with 95% confidence intervals from resampling patients, one-vs-rest ROC / PR curves,
operating points, calibration (before and after temperature scaling), a per-patient and
per-record breakdown, a gallery of misclassified windows and a map of the network's hidden
states. ``assess`` works on arrays, so a cross-validation fold or pooled folds reuse it.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import keras
import mlflow
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from mlflow.models import infer_signature
from sklearn.decomposition import PCA

from signalrnn.config.load import class_names
from signalrnn.evaluation.baselines import fit_on, predict_windows
from signalrnn.evaluation.calibration import (
    calibration_summary,
    fit_temperature,
    reliability_table,
    scale_temperature,
)
from signalrnn.evaluation.curves import one_vs_rest_curves, operating_points
from signalrnn.evaluation.failures import failure_traces, select_failures
from signalrnn.evaluation.figures import (
    confusion_figure,
    failure_gallery_figure,
    group_figure,
    hidden_state_figure,
    reliability_figure,
    roc_pr_figure,
)
from signalrnn.evaluation.metrics import classification_metrics, ec57_metrics, metrics_by_group
from signalrnn.evaluation.uncertainty import OVERALL, PER_CLASS, patient_intervals
from signalrnn.io.layout import Layout
from signalrnn.model.build import FINAL_LSTM, apply_premature_gate, hidden_state_network
from signalrnn.model.metadata import load_model
from signalrnn.model.train import run_name
from signalrnn.preprocessing.dataset import WindowBatches, WindowSet, split_windows
from signalrnn.preprocessing.split import split_folds
from signalrnn.preprocessing.window import PREMATURITY
from signalrnn.tracking import (
    fingerprint,
    log_window_datasets,
    package_versions,
    promote_champion,
    run_link,
    run_tags,
    use_experiment,
)

SPLIT = "test"




def input_files(config: dict, layout: Layout) -> list[Path]:
    """Every file the evaluated numbers depend on: records, annotations and windows."""
    records = pd.read_csv(layout.split, dtype={"record": str})["record"].unique()
    data_dir = Path(config["data_dir"])
    ext = config["annotation"]["extension"]
    return [data_dir / f"{r}.{s}" for r in records for s in ("hea", "dat", ext)] + [
        layout.windows(r) for r in records
    ]


def trained_gate(layout: Layout) -> dict | None:
    """The premature gate of the layout's trained model (``model.premature_gate``), if it has one."""
    return json.loads(layout.model_meta.read_text()).get("premature_gate")


def predict(model: keras.Model, windows: WindowSet, batch_size: int,
            gate: dict | None) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities (n, classes), after the model's premature ``gate`` if any, and the
    final LSTM hidden state (n, units) of every window (of a seed ensemble's first network)."""
    batches = WindowBatches(windows, batch_size=batch_size, shuffle=False)
    network = hidden_state_network(model)
    probe = keras.Model(network.input, [network.outputs[0], network.get_layer(FINAL_LSTM).output])
    probs, hidden = probe.predict(batches, verbose=0)
    if network is not model:
        probs = model.predict(batches, verbose=0)
    if gate is not None:
        probs = apply_premature_gate(probs, windows.index[PREMATURITY].to_numpy(), gate, windows.classes)
    return probs, hidden


def assess(y_true: np.ndarray, probs: np.ndarray, patients: np.ndarray, classes: list[str],
           split: str, evaluate_cfg: dict, temperature: float | None = None) -> dict:
    """Metrics of one evaluated set (a split, a cross-validation fold or pooled folds).

    ``classification_metrics`` of the most probable class, plus ``n_patients``, ``ci`` (patient
    jackknife or bootstrap, see ``uncertainty.patient_intervals``), one-vs-rest ``roc_auc`` and
    ``average_precision`` per class and ``calibration`` (ECE and NLL, also after scaling by
    ``temperature`` when given).
    """
    curves = one_vs_rest_curves(y_true, probs, classes)
    return label_metrics(y_true, probs.argmax(axis=1), patients, classes, split, evaluate_cfg) | {
        "roc_auc": {c: v["roc_auc"] for c, v in curves.items()},
        "average_precision": {c: v["average_precision"] for c, v in curves.items()},
        "calibration": calibration_summary(probs, y_true, evaluate_cfg["calibration_bins"], temperature),
    }


def label_metrics(y_true: np.ndarray, predicted: np.ndarray, patients: np.ndarray,
                  classes: list[str], split: str, evaluate_cfg: dict) -> dict:
    """``classification_metrics`` of class indices ``predicted``, ``n_patients`` and ``ci``."""
    return classification_metrics(y_true, predicted, classes, split) | {
        "n_patients": len(np.unique(patients)),
        "ci": patient_intervals(y_true, predicted, patients, classes,
                                evaluate_cfg["bootstrap_resamples"], evaluate_cfg["bootstrap_seed"]),
    }


def mlflow_metrics(metrics: dict, prefix: str | None = None) -> dict[str, float]:
    """The scalars of ``assess`` (or ``label_metrics``) named ``<prefix>_<metric>``, ``prefix``
    defaulting to the split; intervals as ``..._ci_low`` / ``_high``."""
    ci = metrics["ci"] or {"per_class": {}}
    scalars = {}

    def add(name: str, value: float, interval: list[float] | None = None) -> None:
        key = f"{prefix or metrics['split']}_{name}"
        scalars[key] = value
        if interval:
            scalars[f"{key}_ci_low"], scalars[f"{key}_ci_high"] = interval

    for k in OVERALL:
        add(k, metrics[k], ci.get(k))
    for cls, values in metrics["per_class"].items():
        for k in PER_CLASS:
            add(f"{cls}_{k}", values[k], ci["per_class"].get(cls, {}).get(k))
    for kind in ("roc_auc", "average_precision"):
        for cls, value in metrics.get(kind, {}).items():
            add(f"{cls}_{kind}", value)
    for k, value in metrics.get("calibration", {}).items():
        if k != "n_bins" and value is not None:
            add(k, value)
    for name, value in metrics.get("ec57", {}).items():
        for k, v in value.items() if isinstance(value, dict) else [(None, value)]:
            add("_".join(["ec57", name] + ([k] if k else [])), v)
    return scalars


def hidden_state_map(hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The hidden states projected on their first two principal components, and the share of
    variance each explains."""
    pca = PCA(n_components=min(2, *hidden.shape)).fit(hidden)
    coords = pca.transform(hidden)
    return np.pad(coords, ((0, 0), (0, 2 - coords.shape[1]))), pca.explained_variance_ratio_


def evaluate(config: dict, layout: Layout) -> dict:
    """Predict the test split (of the layout's cross-validation fold, if any); write metrics.json,
    predictions, tables and figures; log them to the training run and register the model."""
    classes, cfg = class_names(config), config["evaluate"]
    batch_size = config["train"]["batch_size"]
    model, gate = load_model(layout.model), trained_gate(layout)
    test_set = split_windows(layout, SPLIT, classes)
    probs, hidden = predict(model, test_set, batch_size, gate)
    # The validation split fits the temperature, the baseline rule and the stacking (stacking.py).
    val_set = split_windows(layout, "val", classes)
    val_probs = predict(model, val_set, batch_size, gate)[0]
    fold = {} if layout.fold is None else {"fold": int(layout.fold)}
    prediction_table(val_set.index, val_probs, classes, fold).to_csv(layout.val_predictions, index=False)
    temperature = fit_temperature(val_probs, val_set.labels) if cfg["temperature_scaling"] else None
    patients = test_set.index["patient"].astype(str).to_numpy()
    metrics = assess(test_set.labels, probs, patients, classes, SPLIT, cfg, temperature) | fold
    if config["baseline"]["enabled"]:
        rule = fit_on(val_set, config["baseline"]["double_cut_ms"])
        metrics["baseline_rule"] = rule
        metrics["baseline"] = label_metrics(test_set.labels, predict_windows(test_set, rule), patients,
                                            classes, SPLIT, cfg)
    predicted = probs.argmax(axis=1)
    predictions = prediction_table(test_set.index, probs, classes, fold)
    coords, explained = hidden_state_map(hidden)
    tables, figures = write_results(config, layout, metrics, predictions, probs, temperature, {
        "hidden_states": hidden_state_figure(coords, test_set.labels, predicted, classes, explained)})
    example = test_set.model_inputs(np.arange(min(4, len(test_set))))
    run_id = json.loads(layout.mlflow_run.read_text())["run_id"]
    use_experiment(config)
    with mlflow.start_run(run_id=run_id):
        prints = _log_results(config, layout, metrics, tables, figures)
        log_window_datasets(
            {s: split_windows(layout, s, classes).index.drop(columns=["file", "row"])
             for s in ("train", "val", SPLIT)}, layout.windows_dir, config["name"])
        # The tensorflow flavour stores the Keras 3 model as .keras; mlflow.keras.log_model
        # cannot save an input example (mlflow/mlflow#16183, open in MLflow 3.18). Naming the
        # requirements spares MLflow inferring them by reloading the model in a subprocess.
        # A cross-validation fold's model is logged, not registered: folds are scored on
        # different patients, so none of them is the experiment's model or a champion.
        registered = config["name"] if layout.fold is None else None
        info = mlflow.tensorflow.log_model(
            model, name="model", signature=infer_signature(example, model.predict(example, verbose=0)),
            input_example=example, registered_model_name=registered,
            pip_requirements=[f"{name}=={version(name)}" for name in ("tensorflow", "keras")],
        )
    registry = {}
    if registered:
        champion = promote_champion(registered, info.registered_model_version, run_id,
                                    f"{SPLIT}_macro_f1")
        print(f"evaluate: registered model {registered}: {champion}", flush=True)
        registry = {"registered_model": registered, "model_version": info.registered_model_version,
                    "champion": champion}
    _write_provenance(config, layout, run_id, prints, registry)
    return metrics


def prediction_table(index: pd.DataFrame, probs: np.ndarray, classes: list[str],
                     fold: dict) -> pd.DataFrame:
    """The window ``index`` with the ``fold`` (``{"fold": k}`` or empty), the most probable class,
    its probability and every class's probability (``p_<class>``, 4 decimals)."""
    return index.drop(columns=["file", "row"], errors="ignore").assign(
        **fold, predicted=[classes[i] for i in probs.argmax(axis=1)],
        probability=probs.max(axis=1).round(4),
        **{f"p_{c}": probs[:, i].round(4) for i, c in enumerate(classes)},
    )


def read_probabilities(path: Path, classes: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """A predictions CSV (``prediction_table``) and its class probabilities (n, classes)."""
    table = pd.read_csv(path, dtype={"record": str, "patient": str})
    return table, table[[f"p_{c}" for c in classes]].to_numpy()


def evaluate_member(config: dict, layout: Layout, test_index: pd.DataFrame, probs: np.ndarray,
                    params: dict, extra: dict) -> dict:
    """Assess the test probabilities of a member beside the LSTM (``layout.member``: the
    companion or the stacked models) as ``evaluate`` does the LSTM's: write metrics.json (with
    ``extra``: what the member chose on validation), predictions, tables and figures; log them with
    ``params`` to an MLflow run of their own, tagged with the member and the fold."""
    classes, cfg = class_names(config), config["evaluate"]
    fold = {} if layout.fold is None else {"fold": int(layout.fold)}
    y_true = test_index["label"].map({c: i for i, c in enumerate(classes)}).to_numpy()
    patients = test_index["patient"].astype(str).to_numpy()
    metrics = assess(y_true, probs, patients, classes, SPLIT, cfg) | fold | extra
    predictions = prediction_table(test_index, probs, classes, fold)
    tables, figures = write_results(config, layout, metrics, predictions, probs, None, {})
    use_experiment(config)
    with mlflow.start_run(run_name=run_name(config, layout)) as run:
        layout.model_dir.mkdir(parents=True, exist_ok=True)
        layout.mlflow_run.write_text(json.dumps({"run_id": run.info.run_id}))
        mlflow.set_tags(run_tags(config) | {"member": layout.member} | fold)
        mlflow.log_params({k: str(v)[:500] for k, v in params.items()})
        prints = _log_results(config, layout, metrics, tables, figures)
    _write_provenance(config, layout, run.info.run_id, prints, {})
    return metrics


def pool_folds(config: dict, layout: Layout) -> dict:
    """Assess all cross-validation folds' test predictions pooled (each window once), with each
    fold's metrics under ``folds``; write the pooled metrics.json, predictions, tables and the
    figures made from predictions (no hidden states: each fold has its own model); log them to a
    pooled MLflow run, the parent of the folds' runs."""
    classes, folds = class_names(config), split_folds(layout.split)
    predictions = pd.concat(
        [read_probabilities(layout.for_fold(k).predictions, classes)[0] for k in folds], ignore_index=True)
    probs = predictions[[f"p_{c}" for c in classes]].to_numpy()
    y_true = predictions["label"].map({c: i for i, c in enumerate(classes)}).to_numpy()
    metrics = assess(y_true, probs, predictions["patient"].to_numpy(), classes, SPLIT,
                     config["evaluate"])
    metrics["folds"] = [json.loads(layout.for_fold(k).metrics.read_text()) for k in folds]
    tables, figures = write_results(config, layout, metrics, predictions, probs, None, {})
    use_experiment(config)
    with mlflow.start_run(run_name=f"{run_name(config, layout)}-pooled") as run:
        layout.model_dir.mkdir(parents=True, exist_ok=True)
        layout.mlflow_run.write_text(json.dumps({"run_id": run.info.run_id}))
        mlflow.set_tags(run_tags(config) | {"folds": str(len(folds))})
        prints = _log_results(config, layout, metrics, tables, figures)
    client = mlflow.MlflowClient()
    for k in folds:  # the MLflow UI nests the fold runs under the pooled one
        fold_run = json.loads(layout.for_fold(k).mlflow_run.read_text())["run_id"]
        client.set_tag(fold_run, "mlflow.parentRunId", run.info.run_id)
    _write_provenance(config, layout, run.info.run_id, prints, {})
    return metrics


def summary_line(metrics: dict) -> str:
    """Accuracy, balanced accuracy and macro-F1 with their intervals, for the log."""
    ci = metrics["ci"] or {}
    return ", ".join(
        f"{k.replace('_', ' ')} {metrics[k]:.3f}"
        + (f" (95% CI {ci[k][0]:.3f}-{ci[k][1]:.3f})" if ci.get(k) else "") for k in OVERALL
    )


def write_results(config: dict, layout: Layout, metrics: dict, predictions: pd.DataFrame,
                  probs: np.ndarray, temperature: float | None,
                  model_figures: dict[str, Figure]) -> tuple[dict[str, pd.DataFrame], dict[str, Figure]]:
    """Write metrics.json, predictions.csv, the breakdown tables and the figures (those made from
    the predictions plus ``model_figures``); print a summary line; return the tables and figures."""
    if config["aami"]["ec57"]:
        metrics["ec57"] = ec57_metrics(np.array(metrics["confusion_matrix"]), metrics["classes"])
    layout.metrics.parent.mkdir(parents=True, exist_ok=True)
    layout.metrics.write_text(json.dumps(metrics, indent=2))
    predictions.to_csv(layout.predictions, index=False)
    scope = ("pooled folds" if "folds" in metrics else SPLIT if layout.fold is None
             else f"fold {layout.fold}") + ("" if layout.member is None else f", {layout.member}")
    print(f"evaluate: {scope}, {metrics['n_windows']} windows of {metrics['n_patients']} "
          f"patient(s): {summary_line(metrics)}", flush=True)
    if "baseline" in metrics:
        print(f"evaluate: baseline rule {metrics['baseline_rule']} (fitted on val): "
              f"{summary_line(metrics['baseline'])}", flush=True)
    classes = metrics["classes"]
    y_true = predictions["label"].map({c: i for i, c in enumerate(classes)}).to_numpy()
    tables = breakdown_tables(y_true, probs, predictions, classes, config["evaluate"]["thresholds"])
    for name, table in tables.items():
        layout.table(name).parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(layout.table(name), index=False)
    figures = prediction_figures(config, layout, metrics, predictions, y_true, probs, temperature,
                                 tables) | model_figures
    for name, figure in figures.items():
        layout.figure(name).parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(layout.figure(name), dpi=110)
    return tables, figures


def breakdown_tables(y_true: np.ndarray, probs: np.ndarray, index: pd.DataFrame, classes: list[str],
                     thresholds: list[float]) -> dict[str, pd.DataFrame]:
    """Table name (see ``Layout.table``) -> the per-patient and per-record breakdown and the
    operating points of each class."""
    predicted = probs.argmax(axis=1)
    patients = index["patient"].astype(str)
    per_record = metrics_by_group(y_true, predicted, index["record"].to_numpy(), classes)
    per_record.insert(0, "patient", per_record["group"].map(patients.groupby(index["record"]).first()))
    return {
        "per_patient": metrics_by_group(y_true, predicted, patients.to_numpy(), classes)
        .rename(columns={"group": "patient"}),
        "per_record": per_record.rename(columns={"group": "record"}),
        "operating_points": operating_points(y_true, probs, classes, thresholds),
    }


def prediction_figures(config: dict, layout: Layout, metrics: dict, predictions: pd.DataFrame,
                       y_true: np.ndarray, probs: np.ndarray, temperature: float | None,
                       tables: dict[str, pd.DataFrame]) -> dict[str, Figure]:
    """Figure name (see ``Layout.figure``) -> matplotlib figure, for the figures that need only
    the predictions (and, for the failure gallery, the signals)."""
    classes, split = metrics["classes"], metrics["split"]
    points = tables["operating_points"]
    calibration = metrics["calibration"]
    reliability = {"model": reliability_table(probs, y_true, calibration["n_bins"])}
    eces = {"model": calibration["ece"]}
    if temperature is not None:
        name = f"temperature {temperature:.2f}"
        reliability[name] = reliability_table(scale_temperature(probs, temperature), y_true,
                                              calibration["n_bins"])
        eces[name] = calibration["ece_scaled"]
    failures = select_failures(predictions, config["evaluate"]["gallery_size"])
    return {
        "confusion_matrix": confusion_figure(np.array(metrics["confusion_matrix"]), classes, split),
        "roc_pr": roc_pr_figure(one_vs_rest_curves(y_true, probs, classes),
                                points[points["rule"] == "argmax"]),
        "reliability": reliability_figure(reliability, eces),
        "per_patient": group_figure(tables["per_patient"].rename(columns={"patient": "group"}),
                                    metrics["accuracy"], "patient"),
        "failures": failure_gallery_figure(failure_traces(failures, config, layout)),
    }


def _log_results(config: dict, layout: Layout, metrics: dict, tables: dict[str, pd.DataFrame],
                 figures: dict[str, Figure]) -> dict[str, str]:
    """Log metrics, figures, tables and input fingerprints to the active MLflow run; return the
    fingerprints."""
    mlflow.log_metrics(mlflow_metrics(metrics))
    if "baseline" in metrics:
        mlflow.log_metrics(mlflow_metrics(metrics["baseline"], f"baseline_{SPLIT}"))
    for name, figure in figures.items():
        mlflow.log_figure(figure, f"figures/{SPLIT}_{name}.png")
    for name, table in tables.items():
        mlflow.log_table(table, f"tables/{SPLIT}_{name}.json")
    mlflow.log_dict(metrics, "metrics.json")
    prints = fingerprint(input_files(config, layout))
    mlflow.log_dict(prints, "data_fingerprints.json")
    mlflow.set_tag("data_fingerprint", prints["__all__"])
    return prints


def _write_provenance(config: dict, layout: Layout, run_id: str, prints: dict[str, str],
                      model: dict[str, str]) -> None:
    """Write provenance.json: the run's git commit and config hash, its MLflow ids and link, the
    registered ``model`` (name, version, champion decision; empty when none), package versions
    and data fingerprints."""
    run = mlflow.get_run(run_id)
    tracking_uri = config["mlflow"]["tracking_uri"]
    layout.provenance.write_text(json.dumps({
        "git_commit": run.data.tags.get("git_commit"), "config_hash": run.data.tags.get("config_hash"),
        "mlflow": {"tracking_uri": tracking_uri, "experiment_id": run.info.experiment_id,
                   "run_id": run_id, "link": run_link(tracking_uri, run.info.experiment_id, run_id),
                   **model},
        "packages": package_versions(),
        "data_fingerprints": prints,
    }, indent=2))
