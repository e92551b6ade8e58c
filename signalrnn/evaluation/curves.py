"""One-vs-rest ROC and precision-recall curves, and the operating points a clinician would use.

Each class in turn is "positive" and all others "negative"; the score is the predicted
probability of that class. The operating-point table gives sensitivity, specificity and PPV
of each class at the model's own decision (the most probable class) and at fixed probability
thresholds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve


def one_vs_rest_curves(y_true: np.ndarray, probs: np.ndarray, classes: list[str]) -> dict[str, dict]:
    """Class -> ROC (``fpr``, ``tpr``), PR (``recall``, ``precision``), ``roc_auc`` and
    ``average_precision``; classes absent from ``y_true`` or with no other class are left out."""
    y_true = np.asarray(y_true)
    curves = {}
    for i, cls in enumerate(classes):
        positive = y_true == i
        if positive.all() or not positive.any():
            continue
        fpr, tpr, _ = roc_curve(positive, probs[:, i])
        precision, recall, _ = precision_recall_curve(positive, probs[:, i])
        curves[cls] = {"fpr": fpr, "tpr": tpr, "recall": recall, "precision": precision,
                       "roc_auc": float(roc_auc_score(positive, probs[:, i])),
                       "average_precision": float(average_precision_score(positive, probs[:, i]))}
    return curves


def _rates(positive: np.ndarray, called: np.ndarray) -> dict:
    tp, fp = int((positive & called).sum()), int((~positive & called).sum())
    fn, tn = int((positive & ~called).sum()), int((~positive & ~called).sum())
    return {"sensitivity": tp / (tp + fn) if tp + fn else np.nan,
            "specificity": tn / (tn + fp) if tn + fp else np.nan,
            "ppv": tp / (tp + fp) if tp + fp else np.nan, "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def operating_points(
    y_true: np.ndarray, probs: np.ndarray, classes: list[str], thresholds: list[float]
) -> pd.DataFrame:
    """Sensitivity, specificity, PPV and counts of each class called positive by the most
    probable class (``rule`` "argmax", ``threshold`` NaN) and by ``p(class) >= threshold``."""
    y_true, predicted = np.asarray(y_true), probs.argmax(axis=1)
    rows = []
    for i, cls in enumerate(classes):
        positive = y_true == i
        rows.append({"class": cls, "rule": "argmax", "threshold": np.nan,
                     **_rates(positive, predicted == i)})
        rows += [{"class": cls, "rule": f"p >= {t:g}", "threshold": t,
                  **_rates(positive, probs[:, i] >= t)} for t in thresholds]
    return pd.DataFrame(rows)
