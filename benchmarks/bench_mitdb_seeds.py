"""MIT-BIH DS1 cross-validation over seeds: each seed's pooled test figures, their mean, and the
seed ensemble (the seeds' class probabilities averaged per window), for the LSTM, its companion
and the two stacked.

Each results folder is one run of configs/mitdb.yaml with ``split.method: kfold`` and its own
``train.seed`` / ``companion.seed`` (the same split, so the same windows in the same order):

    python benchmarks/bench_mitdb_seeds.py [results/mitdb results/mitdb-s1 results/mitdb-s2]

Nothing is fitted here: the ensemble is a plain mean; each model's pooled predictions are read
from ``<run>/predictions.csv`` (LSTM) and ``<run>/<member>/predictions.csv``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from signalrnn.evaluation.metrics import classification_metrics, ec57_metrics

DEFAULT_RUNS = ["results/mitdb", "results/mitdb-s1", "results/mitdb-s2"]
MODELS = {"LSTM": Path("."), "companion": Path("companion"), "stacked": Path("stacked")}


def figures(labels: pd.Series, probs: np.ndarray, classes: list[str]) -> dict[str, float]:
    """Accuracy, SVEB and VEB F1, N called F (% of N) and EC57 VEB / SVEB F1 of the argmax."""
    y = labels.map({c: i for i, c in enumerate(classes)}).to_numpy()
    metrics = classification_metrics(y, probs.argmax(axis=1), classes, "test")
    ec57 = ec57_metrics(np.array(metrics["confusion_matrix"]), classes)
    return {"accuracy": metrics["accuracy"], "SVEB F1": metrics["per_class"]["SVEB"]["f1"],
            "VEB F1": metrics["per_class"]["VEB"]["f1"], "N called F (%)": 100 * ec57["n_called_f"],
            "EC57 SVEB F1": ec57["SVEB"]["f1"], "EC57 VEB F1": ec57["VEB"]["f1"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=Path, nargs="*", default=list(map(Path, DEFAULT_RUNS)),
                        help="results/<name> of kfold runs, one per seed (default: %(default)s)")
    args = parser.parse_args()
    rows = []
    for model, sub in MODELS.items():
        tables = []
        for run in args.runs:
            path = run / sub / "predictions.csv"
            if not path.is_file():
                raise SystemExit(f"{path}: not found; run configs/mitdb.yaml with split.method: kfold "
                                 "and companion.enabled into that folder first")
            tables.append(pd.read_csv(path, dtype={"record": str, "patient": str}))
        classes = [c.removeprefix("p_") for c in tables[0].columns if c.startswith("p_")]
        keys = ["record", "sample", "label"]
        if any(not t[keys].equals(tables[0][keys]) for t in tables):
            raise SystemExit(f"{model}: the runs' test windows differ; use runs of one split")
        probs = [t[[f"p_{c}" for c in classes]].to_numpy() for t in tables]
        seeds = [figures(tables[0]["label"], p, classes) for p in probs]
        rows += [{"model": model, "seed": str(run), **f} for run, f in zip(args.runs, seeds, strict=True)]
        rows.append({"model": model, "seed": "mean of seeds", **pd.DataFrame(seeds).mean().to_dict()})
        rows.append({"model": model, "seed": "seed ensemble",
                     **figures(tables[0]["label"], np.mean(probs, axis=0), classes)})
    print(f"DS1 {len(tables[0])} beats, test folds pooled (5-fold patient-wise CV):")
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":
    main()
