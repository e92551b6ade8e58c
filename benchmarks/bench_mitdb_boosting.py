"""A non-recurrent companion for MIT-BIH beats, measured on DS1 patient-wise cross-validation.

Gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``) on features of each
beat window that configs/mitdb.yaml's window step already wrote: the eight RR features
(``window.RR_COLUMNS``), the z-scored beat and its difference from the record's median beat
(the patient-independent morphology: how the beat differs from the patient's usual one), each
averaged over 4 samples (22 ms at 180 Hz), the beat's correlation with the median beat, the
mean square of the difference, and the QRS's curve length and range (samples 55-75, -44 to
+67 ms around the R peak). Class weights go as (1 / n_class) ** ``--weight_power``, capped at 20
like train.max_class_weight. Each fold trains on its train and val records and is scored on its
test records (split.csv of a ``split.method: kfold`` run); the test folds' predictions are pooled.
The figures are printed as they are and again after the premature gate of configs/mitdb.yaml
(prematurity < 3 cannot be SVEB).

First window DS1 with the cross-validation config (the README's command, ``--until split``), then

    python benchmarks/bench_mitdb_boosting.py [results/mitdb] [--seeds 0 1 2] [--weight_power 0.5]

Nothing here is tuned: the features and the booster's settings are the first ones tried.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import confusion_matrix, f1_score

from signalrnn.preprocessing.window import PREMATURITY, RR_COLUMNS

CLASSES = ["N", "SVEB", "VEB", "F", "Q"]
QRS = slice(55, 75)  # samples of the 144-sample window (63 before the R peak) that hold the QRS
MIN_PREMATURITY = 3.0


def beat_features(windows: np.ndarray, index: pd.DataFrame) -> np.ndarray:
    """(n, 8 + 36 + 36 + 4) features of windows (n, 144, 2): the beat and beat minus median beat."""
    beat, difference = windows[:, :, 0], windows[:, :, 1]
    usual = beat - difference
    coarse = lambda x: x.reshape(len(x), -1, 4).mean(axis=2)  # noqa: E731
    centred = usual - usual.mean(axis=1, keepdims=True)
    correlation = ((beat * centred).sum(axis=1)
                   / (np.linalg.norm(beat, axis=1) * np.linalg.norm(centred, axis=1) + 1e-9))
    qrs = beat[:, QRS]
    return np.column_stack([index[RR_COLUMNS].to_numpy(), coarse(beat), coarse(difference),
                            correlation, (difference ** 2).mean(axis=1),
                            np.abs(np.diff(qrs, axis=1)).sum(axis=1), np.ptp(qrs, axis=1)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, nargs="?", default=Path("results/mitdb"),
                        help="results/<name> of a kfold run of configs/mitdb.yaml (default: results/mitdb)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--weight_power", type=float, default=0.5)
    args = parser.parse_args()
    if not (args.results / "split.csv").exists():
        raise SystemExit(f"{args.results / 'split.csv'}: not found; window DS1 first "
                         "(snakemake --configfile configs/mitdb.yaml --until split)")
    split = pd.read_csv(args.results / "split.csv", dtype={"record": str})
    features, labels, prematurity = {}, {}, {}
    for record in sorted(split["record"].unique()):
        index = pd.read_csv(args.results / "windows" / f"{record}.csv")
        features[record] = beat_features(np.load(args.results / "windows" / f"{record}.npy"), index)
        labels[record] = index["label"].map({c: i for i, c in enumerate(CLASSES)}).to_numpy()
        prematurity[record] = index[PREMATURITY].to_numpy()
    for seed in args.seeds:
        truth, probs, early = [], [], []
        for _, fold in split.groupby("fold"):
            train = fold.loc[fold["split"] != "test", "record"]
            test = fold.loc[fold["split"] == "test", "record"]
            y = np.concatenate([labels[r] for r in train])
            weights = (len(y) / np.maximum(np.bincount(y, minlength=len(CLASSES)), 1)) ** args.weight_power
            weights /= weights[y].mean()
            booster = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05,
                                                     l2_regularization=1.0, random_state=seed)
            booster.fit(np.vstack([features[r] for r in train]), y,
                        sample_weight=np.minimum(weights[y], 20))
            probs.append(booster.predict_proba(np.vstack([features[r] for r in test])))
            truth.append(np.concatenate([labels[r] for r in test]))
            early.append(np.concatenate([prematurity[r] for r in test]) >= MIN_PREMATURITY)
        truth, probs, early = np.concatenate(truth), np.vstack(probs), np.concatenate(early)
        gated = probs.copy()
        gated[~early, 0] += gated[~early, 1]
        gated[~early, 1] = 0
        for name, p in (("boosting", probs), ("boosting + premature gate", gated)):
            predicted = p.argmax(axis=1)
            matrix = confusion_matrix(truth, predicted, labels=range(len(CLASSES)))
            f1 = f1_score(truth, predicted, labels=range(len(CLASSES)), average=None, zero_division=0)
            print(f"seed {seed}, {name} (DS1 5-fold CV, test folds pooled, {len(truth)} beats): "
                  f"accuracy {np.mean(predicted == truth):.3f}, F1 "
                  + ", ".join(f"{c} {v:.3f}" for c, v in zip(CLASSES, f1, strict=True))
                  + f"; N called F {100 * matrix[0, 3] / matrix[0].sum():.2f} % of N", flush=True)


if __name__ == "__main__":
    main()
