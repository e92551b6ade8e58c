"""Classification metrics from a confusion matrix, with the split they describe."""

from __future__ import annotations

import numpy as np
import pandas as pd

from signalrnn.errors import SignalrnnError

# The AAMI EC57 beat classes, as configs/mitdb.yaml names them.
AAMI_CLASSES = ("N", "SVEB", "VEB", "F", "Q")


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


def ec57_metrics(cm: np.ndarray, classes: list[str]) -> dict:
    """VEB and SVEB statistics counted as ANSI/AAMI EC57 counts them, and N called F or Q.

    EC57 gives no sensitivity or positive predictivity for F and Q; the beats of those classes
    count only in these ways (as PhysioNet's reference comparator ``bxb`` implements EC57:1998,
    G. B. Moody, https://physionet.org/physiotools/wfdb/app/bxb.c): a VEB false positive is an N
    or SVEB beat called VEB (F or Q called VEB is not one); an SVEB false positive is an N, VEB or
    F beat called SVEB (Q called SVEB is not one); VEB and SVEB missed as F or Q are false
    negatives. ``n_called_f`` (share of N beats called F) and ``n_called_q`` show how many normal
    beats the rare classes took, which EC57's N row (n + f + q) hides.

    Parameters
    ----------
    cm
        Confusion matrix (rows = true class) over ``classes``, which must include the AAMI names
        N, SVEB, VEB, F and Q.
    classes
        Class names of the rows and columns.

    Returns
    -------
    dict
        ``VEB`` and ``SVEB``: ``sensitivity``, ``positive_predictivity``, ``f1`` (ratios 0-1);
        VEB also ``false_positive_rate`` (share of non-VEB beats called VEB); ``n_called_f`` and
        ``n_called_q`` (ratios of the N beats).
    """
    missing = [c for c in AAMI_CLASSES if c not in classes]
    if missing:
        raise SignalrnnError(f"aami.ec57: the classes have no {missing}; name the annotation.classes "
                             f"{list(AAMI_CLASSES)} (configs/mitdb.yaml) or set aami.ec57: false")
    cm = np.asarray(cm)
    n, s, v, f, q = (classes.index(c) for c in AAMI_CLASSES)

    def rates(tp: float, fn: float, fp: float) -> dict[str, float]:
        se, ppv = float(tp / max(tp + fn, 1)), float(tp / max(tp + fp, 1))
        return {"sensitivity": se, "positive_predictivity": ppv,
                "f1": 2 * se * ppv / (se + ppv) if se + ppv else 0.0}

    veb_fp = cm[n, v] + cm[s, v]
    veb_tn = cm[[n, s, f, q]].sum() - cm[[n, s, f, q], v].sum()
    return {
        "VEB": rates(cm[v, v], cm[v].sum() - cm[v, v], veb_fp)
        | {"false_positive_rate": float(veb_fp / max(veb_tn + veb_fp, 1))},
        "SVEB": rates(cm[s, s], cm[s].sum() - cm[s, s], cm[n, s] + cm[v, s] + cm[f, s]),
        "n_called_f": float(cm[n, f] / max(cm[n].sum(), 1)),
        "n_called_q": float(cm[n, q] / max(cm[n].sum(), 1)),
    }
