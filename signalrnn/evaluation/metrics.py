"""Classification metrics from a confusion matrix, with the split they describe."""

from __future__ import annotations

import numpy as np
import pandas as pd


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts[i, j] = windows of true class i predicted as class j."""
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return counts


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros(len(num)), where=den > 0)


def classification_metrics(
    y_true: np.ndarray, y_pred: np.ndarray, classes: list[str], split: str
) -> dict:
    """Accuracy, balanced accuracy, macro-F1 and per-class precision / recall / F1 / support.

    Balanced accuracy and macro-F1 average over the classes present in ``y_true``.
    """
    return confusion_metrics(confusion_matrix(y_true, y_pred, len(classes)), classes, split)


def confusion_metrics(cm: np.ndarray, classes: list[str], split: str) -> dict:
    """``classification_metrics`` of a confusion matrix (rows = true class)."""
    cm = np.asarray(cm)
    tp = np.diag(cm).astype(float)
    support = cm.sum(axis=1)
    precision = _ratio(tp, cm.sum(axis=0))
    recall = _ratio(tp, support)
    f1 = _ratio(2 * precision * recall, precision + recall)
    present = support > 0
    return {
        "split": split,
        "classes": list(classes),
        "n_windows": int(cm.sum()),
        "accuracy": float(tp.sum() / max(cm.sum(), 1)),
        "balanced_accuracy": float(recall[present].mean()) if present.any() else 0.0,
        "macro_f1": float(f1[present].mean()) if present.any() else 0.0,
        "per_class": {
            c: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
            for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
        },
        "confusion_matrix": cm.tolist(),
    }


def commonest_error(cm: np.ndarray, classes: list[str]) -> tuple[str, str, int] | None:
    """(true class, predicted class, windows) of the most frequent confusion; None if none."""
    errors = np.asarray(cm) * (1 - np.eye(len(classes), dtype=int))
    if not errors.any():
        return None
    true, predicted = np.unravel_index(errors.argmax(), errors.shape)
    return classes[true], classes[predicted], int(errors[true, predicted])


def metrics_by_group(
    y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray, classes: list[str]
) -> pd.DataFrame:
    """Windows, accuracy, balanced accuracy, macro-F1 and the commonest error of each group.

    ``groups`` names the group (patient or record) of every window; rows are sorted by accuracy,
    worst first, so one bad patient stands out.
    """
    y_true, y_pred, groups = np.asarray(y_true), np.asarray(y_pred), np.asarray(groups)
    rows = []
    for group in np.unique(groups):
        mask = groups == group
        m = classification_metrics(y_true[mask], y_pred[mask], classes, "")
        error = commonest_error(m["confusion_matrix"], classes)
        rows.append({"group": group, "windows": m["n_windows"], "accuracy": m["accuracy"],
                     "balanced_accuracy": m["balanced_accuracy"], "macro_f1": m["macro_f1"],
                     "commonest_error": "{} -> {} ({})".format(*error) if error else ""})
    return pd.DataFrame(rows).sort_values(["accuracy", "group"], ignore_index=True)
