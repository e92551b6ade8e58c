"""The gradient-boosting companion alone over a run's cross-validation folds: pooled test figures
in a minute or two, without the LSTM, for comparing companion settings on the development set.

The run is a configs/mitdb.yaml run with ``split.method: kfold`` whose windows and split exist
(``snakemake results/<name>/split.csv ...`` makes them); each ``--set`` overrides one key of its
config (YAML value) and is one variant, all folds refitted for it:

    python benchmarks/bench_companion_cv.py results/mitdb --set 'companion.class_weight_power=[1.0]'

Each fold's booster is fitted on its training records, its class-weight power chosen on its
validation records, and scored on its test records by the workflow's own companion code; the
test predictions of the folds are then pooled. Nothing is written.
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from signalrnn.config.load import class_names, validate_config
from signalrnn.evaluation.members import fit_and_score_companion
from signalrnn.evaluation.metrics import classification_metrics, ec57_metrics
from signalrnn.io.layout import Layout
from signalrnn.preprocessing.dataset import split_windows


def with_setting(config: dict, setting: str) -> dict:
    """A copy of ``config`` with ``section.key=value`` (value in YAML) set, then validated."""
    path, value = setting.split("=", 1)
    changed = copy.deepcopy(config)
    *sections, key = path.split(".")
    target = changed
    for section in sections:
        target = target[section]
    target[key] = yaml.safe_load(value)
    return validate_config(changed, setting)


def pooled_predictions(config: dict, run: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Labels and predicted classes of every fold's test windows, pooled over folds."""
    classes = class_names(config)
    labels, predicted = [], []
    for fold in range(config["split"]["folds"]):
        layout = Layout(run).for_fold(fold)
        sets = {name: split_windows(layout, name, classes) for name in ("train", "val", "test")}
        probs = fit_and_score_companion(config, sets)[1]
        labels.append(sets["test"].labels)
        predicted.append(probs["test"].argmax(axis=1))
    return np.concatenate(labels), np.concatenate(predicted), classes


def figures(labels: np.ndarray, predicted: np.ndarray, classes: list[str]) -> dict[str, float]:
    """Accuracy, SVEB / VEB F1, Se and +P, and N called F (% of N) of the pooled test folds."""
    metrics = classification_metrics(labels, predicted, classes, "test")
    ec57 = ec57_metrics(np.array(metrics["confusion_matrix"]), classes)
    per_class = metrics["per_class"]
    return {"accuracy": metrics["accuracy"],
            **{f"{c} {m}": per_class[c][key] for c in ("SVEB", "VEB")
               for m, key in (("F1", "f1"), ("Se", "recall"), ("+P", "precision"))},
            "N called F (%)": 100 * ec57["n_called_f"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, nargs="?", default=Path("results/mitdb"),
                        help="results/<name> of a kfold run: its config.yaml, windows and split.csv "
                        "(default: %(default)s)")
    parser.add_argument("--set", action="append", default=[], dest="settings",
                        help="section.key=value (YAML) for one variant; repeat for more")
    args = parser.parse_args()
    base = validate_config(yaml.safe_load((args.run / "config.yaml").read_text()), str(args.run))
    if base["split"]["method"] != "kfold":
        raise SystemExit(f"{args.run}: split.method is {base['split']['method']!r}; run the windows and "
                         "split with split.method: kfold (see this script's docstring)")
    rows = []
    for setting in ["as run", *args.settings]:
        config = base if setting == "as run" else with_setting(base, setting)
        start = time.perf_counter()
        row = {"variant": setting, **figures(*pooled_predictions(config, args.run)),
               "time (s)": time.perf_counter() - start}
        print(pd.DataFrame([row]).to_string(index=False, float_format="%.3f"), flush=True)
        rows.append(row)
    print("\nDS1 folds pooled, companion alone (test split of each fold):")
    print(pd.DataFrame(rows).to_string(index=False, float_format="%.3f"))


if __name__ == "__main__":
    main()
