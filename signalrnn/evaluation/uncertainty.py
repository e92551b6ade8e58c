"""Confidence intervals by bootstrap resampling of patients, not windows.

The windows of one patient are alike: resampling windows would treat thousands of them as
independent and give intervals far too narrow. Resampling whole patients (with replacement)
keeps each patient's windows together, so the interval shows how much the numbers would move
with other patients like these. With few test patients the interval is wide and coarse; with
one patient there is none.
"""

from __future__ import annotations

import numpy as np

from signalrnn.evaluation.metrics import confusion_matrix, confusion_metrics

OVERALL = ("accuracy", "balanced_accuracy", "macro_f1")
PER_CLASS = ("precision", "recall", "f1")


def resampled_values(cm: np.ndarray, classes: list[str]) -> dict[str, float]:
    """The overall and per-class metrics of one resample, flat; NaN where a metric is undefined.

    Recall and F1 of a class absent from the resample, and precision of a class never
    predicted, are undefined (not zero): they are left out of that class's interval.
    """
    m = confusion_metrics(cm, classes, "")
    values = {k: m[k] for k in OVERALL}
    support, predicted = cm.sum(axis=1), cm.sum(axis=0)
    for i, c in enumerate(classes):
        values[f"{c}/precision"] = m["per_class"][c]["precision"] if predicted[i] else np.nan
        for k in ("recall", "f1"):
            values[f"{c}/{k}"] = m["per_class"][c][k] if support[i] else np.nan
    return values


def patient_bootstrap(
    y_true: np.ndarray, y_pred: np.ndarray, patients: np.ndarray, classes: list[str],
    n_resamples: int, seed: int, level: float = 0.95,
) -> dict | None:
    """Percentile intervals of accuracy, balanced accuracy, macro-F1 and per-class Se / +P / F1.

    Returns ``{"level", "n_resamples", "seed", "n_patients", "accuracy": [low, high], ...,
    "per_class": {class: {"precision": [low, high], "recall": ..., "f1": ...}}}``; an interval
    is None where the metric was undefined in every resample. Returns None with fewer than two
    patients or no resamples.
    """
    names, patient_of_window = np.unique(np.asarray(patients), return_inverse=True)
    if len(names) < 2 or n_resamples < 1:
        return None
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    per_patient = np.stack([confusion_matrix(y_true[patient_of_window == p], y_pred[patient_of_window == p],
                                             len(classes)) for p in range(len(names))])
    draws = np.random.default_rng(seed).integers(0, len(names), (n_resamples, len(names)))
    counts = np.stack([np.bincount(d, minlength=len(names)) for d in draws])
    resamples = [resampled_values(cm, classes) for cm in np.einsum("bp,pij->bij", counts, per_patient)]
    tail = 100 * (1 - level) / 2

    def interval(key: str) -> list[float] | None:
        values = np.array([r[key] for r in resamples])
        values = values[~np.isnan(values)]
        return np.percentile(values, [tail, 100 - tail]).tolist() if len(values) else None

    return {
        "level": level, "n_resamples": n_resamples, "seed": seed, "n_patients": len(names),
        **{k: interval(k) for k in OVERALL},
        "per_class": {c: {k: interval(f"{c}/{k}") for k in PER_CLASS} for c in classes},
    }
