"""Hyperparameter search: every combination of ``tune.grid`` (model / train settings) is a trial,
trained on the train split and judged on the validation split only.

Each trial is one Snakemake job and one MLflow run. ``select`` nests the trials' runs under a
parent run, logs the trial table there and copies the trial with the lowest validation loss (at
its best epoch) into ``model/``, so that ``evaluate`` scores the test split once, for the model
chosen without it.
"""

from __future__ import annotations

import copy
import itertools
import json
import shutil
from typing import TYPE_CHECKING, Any

from signalrnn.errors import SignalrnnError
from signalrnn.layout import Layout

if TYPE_CHECKING:  # the config check uses this module; it must not import MLflow or pandas
    import pandas as pd

TUNABLE_SECTIONS = ("model", "train")


def trials(config: dict) -> dict[str, dict[str, Any]]:
    """Trial id (``t00``, ``t01``, ...) -> its settings ``{"<section>.<key>": value}``: every
    combination of ``tune.grid``, keys in sorted order; empty without a grid."""
    grid = config["tune"]["grid"]
    if not grid:
        return {}
    keys = sorted(grid)
    return {f"t{i:02d}": dict(zip(keys, values, strict=True))
            for i, values in enumerate(itertools.product(*(grid[k] for k in keys)))}


def with_settings(config: dict, settings: dict[str, Any]) -> dict:
    """A copy of ``config`` with every ``<section>.<key>`` of ``settings`` set."""
    changed = copy.deepcopy(config)
    for key, value in settings.items():
        section, name = key.split(".", 1)
        changed[section][name] = value
    return changed


def check_grid(config: dict, source: str) -> None:
    """SignalrnnError naming ``tune.grid`` unless each key is a model / train setting of the
    config; the values are checked as part of each trial's config by the caller."""
    for key in config["tune"]["grid"]:
        section, _, name = key.partition(".")
        if section not in TUNABLE_SECTIONS or name not in config[section]:
            known = ", ".join(f"{s}.{k}" for s in TUNABLE_SECTIONS for k in config[s])
            raise SignalrnnError(f"{source}: tune.grid: {key!r} is no model or train setting; use one "
                                 f"of {known}")
    if config["tune"]["grid"] and config["split"]["method"] == "kfold":
        raise SignalrnnError(f"{source}: tune.grid: a search needs one validation split; with "
                             "split.method kfold each fold has its own, so set tune.grid: {}")


def trial_table(config: dict, layout: Layout) -> pd.DataFrame:
    """One row per trial: its settings, epochs trained, best epoch and the validation loss and
    accuracy there, its MLflow run id and whether it is ``selected`` (lowest validation loss)."""
    import pandas as pd

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
    import mlflow

    from signalrnn.config import config_hash
    from signalrnn.tracking import run_tags, use_experiment

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


def require_trial(config: dict, trial: str) -> dict[str, Any]:
    """The settings of ``trial``; SignalrnnError when the grid has no such trial."""
    known = trials(config)
    if trial not in known:
        raise SignalrnnError(f"--trial {trial}: tune.grid has the trials {list(known) or 'none'}")
    return known[trial]
