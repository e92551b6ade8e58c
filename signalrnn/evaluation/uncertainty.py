"""Confidence intervals over patients, not windows, by a method that fits their number.

The windows of one patient are alike: resampling windows would treat thousands of them as
independent and give intervals far too narrow. Both methods keep each patient's windows
together, so an interval shows how much the numbers would move with other patients like these.

- From FEW_PATIENTS patients on: percentile bootstrap over patients (``patient_bootstrap``).
- With 2 to FEW_PATIENTS - 1 patients the percentile bootstrap is too narrow: it has few
  distinct resamples (3 with 2 patients) and its intervals cover too rarely with five to thirty
  clusters (Cameron, Gelbach & Miller 2008, Rev. Econ. Stat. 90(3):414-427). There the interval
  is the delete-one-patient jackknife's standard error times Student's t with G - 1 degrees of
  freedom for G patients (``patient_jackknife``; the cluster jackknife with the conventional
  t(G - 1) reference, see MacKinnon, "When can we trust cluster-robust inference?", 2026,
  arXiv:2604.02000, section 2.2). It widens as patients get fewer, as it should.
- With one patient there is no interval.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from signalrnn.evaluation.metrics import confusion_matrix, confusion_metrics

OVERALL = ("accuracy", "balanced_accuracy", "macro_f1")
PER_CLASS = ("precision", "recall", "f1")
FEW_PATIENTS = 30  # below this many patients: the jackknife with t(G - 1), not the bootstrap
BOOTSTRAP = "percentile bootstrap over patients"
JACKKNIFE = "delete-one-patient jackknife with Student's t (G - 1 df)"


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


def per_patient_confusion(y_true: np.ndarray, y_pred: np.ndarray, patients: np.ndarray,
                          n_classes: int) -> np.ndarray:
    """Confusion matrices of each patient, (patients, classes, classes), patients sorted."""
    names, patient_of_window = np.unique(np.asarray(patients), return_inverse=True)
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return np.stack([confusion_matrix(y_true[patient_of_window == p], y_pred[patient_of_window == p],
                                      n_classes) for p in range(len(names))])


def patient_intervals(
    y_true: np.ndarray, y_pred: np.ndarray, patients: np.ndarray, classes: list[str],
    n_resamples: int, seed: int, level: float = 0.95,
) -> dict | None:
    """Intervals by the method that fits the number of patients (see the module docstring):
    ``patient_jackknife`` below FEW_PATIENTS, else ``patient_bootstrap``. None with one patient."""
    if len(np.unique(np.asarray(patients))) < FEW_PATIENTS:
        return patient_jackknife(y_true, y_pred, patients, classes, level)
    return patient_bootstrap(y_true, y_pred, patients, classes, n_resamples, seed, level)


def patient_jackknife(y_true: np.ndarray, y_pred: np.ndarray, patients: np.ndarray,
                      classes: list[str], level: float = 0.95) -> dict | None:
    """Jackknife intervals over G patients: the metric on all windows +- t(G - 1) x the
    delete-one-patient jackknife standard error, clipped to [0, 1].

    Returns the keys of ``patient_bootstrap`` (``n_resamples`` and ``seed`` None); an interval is
    None where leaving out some patient leaves the metric undefined (e.g. the only patient with
    a class). None with fewer than two patients.
    """
    per_patient = per_patient_confusion(y_true, y_pred, patients, len(classes))
    n = len(per_patient)
    if n < 2:
        return None
    total = per_patient.sum(axis=0)
    estimate = resampled_values(total, classes)
    left_out = [resampled_values(total - cm, classes) for cm in per_patient]
    t = stats.t.ppf(0.5 + level / 2, df=n - 1)

    def interval(key: str) -> list[float] | None:
        values = np.array([r[key] for r in left_out])
        if np.isnan(values).any() or np.isnan(estimate[key]):
            return None
        se = np.sqrt((n - 1) / n * np.sum((values - values.mean()) ** 2))
        return np.clip([estimate[key] - t * se, estimate[key] + t * se], 0.0, 1.0).tolist()

    return {
        "method": JACKKNIFE, "level": level, "n_resamples": None, "seed": None, "n_patients": n,
        **{k: interval(k) for k in OVERALL},
        "per_class": {c: {k: interval(f"{c}/{k}") for k in PER_CLASS} for c in classes},
    }


def patient_bootstrap(
    y_true: np.ndarray, y_pred: np.ndarray, patients: np.ndarray, classes: list[str],
    n_resamples: int, seed: int, level: float = 0.95,
) -> dict | None:
    """Percentile intervals of accuracy, balanced accuracy, macro-F1 and per-class Se / +P / F1.

    Returns ``{"method", "level", "n_resamples", "seed", "n_patients", "accuracy": [low, high], ...,
    "per_class": {class: {"precision": [low, high], "recall": ..., "f1": ...}}}``; an interval
    is None where the metric was undefined in every resample. Returns None with fewer than two
    patients or no resamples.
    """
    per_patient = per_patient_confusion(y_true, y_pred, patients, len(classes))
    n = len(per_patient)
    if n < 2 or n_resamples < 1:
        return None
    draws = np.random.default_rng(seed).integers(0, n, (n_resamples, n))
    counts = np.stack([np.bincount(d, minlength=n) for d in draws])
    resamples = [resampled_values(cm, classes) for cm in np.einsum("bp,pij->bij", counts, per_patient)]
    tail = 100 * (1 - level) / 2

    def interval(key: str) -> list[float] | None:
        values = np.array([r[key] for r in resamples])
        values = values[~np.isnan(values)]
        return np.percentile(values, [tail, 100 - tail]).tolist() if len(values) else None

    return {
        "method": BOOTSTRAP, "level": level, "n_resamples": n_resamples, "seed": seed, "n_patients": n,
        **{k: interval(k) for k in OVERALL},
        "per_class": {c: {k: interval(f"{c}/{k}") for k in PER_CLASS} for c in classes},
    }
