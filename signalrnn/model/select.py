"""Hyperparameter search: each trial of ``tune.grid`` (``signalrnn.config.grid``) is trained on
the train split and judged on the validation split only.

Each trial is one Snakemake job and one MLflow run. ``select`` nests the trials' runs under a
parent run, logs the trial table there and copies the trial with the lowest validation loss (at
its best epoch) into ``model/``, so that ``evaluate`` scores the test split once, for the model
chosen without it.
"""

from __future__ import annotations

import json
import shutil
from typing import Any

import mlflow
import pandas as pd

from signalrnn.config.grid import trials, with_settings
from signalrnn.config.load import config_hash
from signalrnn.io.layout import Layout
from signalrnn.tracking import run_tags, use_experiment


def trial_table(config: dict, layout: Layout) -> pd.DataFrame:
    """One row per trial: its settings, epochs trained, best epoch and the validation loss and
    accuracy there, its MLflow run id and whether it is ``selected`` (lowest validation loss)."""
    rows = []
    for trial, settings in trials(config).items():
        run = layout.for_trial(trial)
        history = pd.read_csv(run.history)
        best = history.loc[history["val_loss"].idxmin()]
        rows.append({"trial": trial, **settings, "epochs": len(history),
                     "best_epoch": int(best["epoch"]) + 1, "val_loss": float(best["val_loss"]),
                     "val_accuracy": float(best["val_accuracy"]),
                     "run_id": json.loads(run.mlflow_run.read_text())["run_id"]})
    table = pd.DataFrame(rows)
    return table.assign(selected=table.index == table["val_loss"].idxmin())


def select(config: dict, layout: Layout) -> dict[str, Any]:
    """Choose the trial of lowest validation loss, copy its model, metadata, history and run id
    into ``model/``, write the trial table and the chosen settings, and nest the trials' MLflow
    runs under a parent run that holds the table. Returns the chosen settings."""
    table = trial_table(config, layout)
    chosen = table[table["selected"]].iloc[0]
    settings = trials(config)[chosen["trial"]]
    source = layout.for_trial(chosen["trial"])
    layout.model_dir.mkdir(parents=True, exist_ok=True)
    for name in ("model", "model_meta", "history", "mlflow_run"):
        shutil.copyfile(getattr(source, name), getattr(layout, name))
    layout.tune_table.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(layout.tune_table, index=False)
    layout.tune_selected.write_text(json.dumps({"trial": chosen["trial"], "settings": settings}, indent=2))
    use_experiment(config)
    with mlflow.start_run(run_name=f"{config['name']}-{config_hash(config)}-tune") as parent:
        mlflow.set_tags(run_tags(config) | {"tune_selected_trial": chosen["trial"]})
        mlflow.log_params({"tune_grid": json.dumps(config["tune"]["grid"])[:500],
                           **{f"selected.{k}": v for k, v in settings.items()}})
        mlflow.log_metrics({"selected_val_loss": float(chosen["val_loss"]),
                            "selected_val_accuracy": float(chosen["val_accuracy"])})
        mlflow.log_table(table, "tune/trials.json")
    client = mlflow.MlflowClient()
    for row in table.itertuples():
        client.set_tag(row.run_id, "mlflow.parentRunId", parent.info.run_id)
        client.set_tag(row.run_id, "tune_selected", str(bool(row.selected)).lower())
    print(f"select: {len(table)} trials; {chosen['trial']} {settings} has the lowest validation "
          f"loss {chosen['val_loss']:.4f} (epoch {chosen['best_epoch']})", flush=True)
    return settings


def selected_config(config: dict, layout: Layout) -> dict:
    """``config`` with the selected trial's settings once a search has run; else ``config``."""
    if not trials(config) or not layout.tune_selected.is_file():
        return config
    return with_settings(config, json.loads(layout.tune_selected.read_text())["settings"])
