"""A non-recurrent companion to the LSTM: gradient-boosted trees on features of each beat window.

The features are those the published inter-patient leaders build on (de Chazal et al. 2004;
Mondéjar-Guerra et al. 2019): the RR features of the window step (``window.RR_COLUMNS``), the
window averaged over ``companion.coarse_ms`` (the morphology at about 22 ms resolution) and, with
``window.median_difference``, the window minus the record's median window (how a beat differs
from the patient's usual one: a patient-independent morphology), its correlation with the median
window and its mean square; then the curve length and range of the first channel around the event
(``companion.qrs_ms``, the QRS). The trees are scikit-learn's ``HistGradientBoostingClassifier``
(Ke et al. 2017's histogram binning). Class weights go as n_c ** -p, capped like
``train.max_class_weight``; p is chosen among ``companion.class_weight_power`` on the validation
split (mean F1 of ``companion.scored_classes`` present there), never on the test split.

References
----------
de Chazal P, O'Dwyer M, Reilly RB. Automatic classification of heartbeats using ECG morphology and
heartbeat interval features. IEEE Trans Biomed Eng 2004;51(7):1196-206.
Mondéjar-Guerra V, Novo J, Rouco J, Penedo MG, Ortega M. Heartbeat classification fusing temporal
and morphological information of ECGs via ensemble of classifiers. Biomed Signal Process Control
2019;47:41-8.
Ke G et al. LightGBM: a highly efficient gradient boosting decision tree. NeurIPS 2017.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import f1_score

from signalrnn.model.train import class_weights
from signalrnn.preprocessing.dataset import WindowSet
from signalrnn.preprocessing.window import window_samples


def beat_features(windows: np.ndarray, rr: np.ndarray | None, fs_hz: float, window_cfg: dict,
                  coarse_ms: float, qrs_ms: list[float]) -> np.ndarray:
    """Features (n, f) of windows (n, samples, channels) for the companion.

    Parameters
    ----------
    windows
        Windows as the window step wrote them: the channels, then (with
        ``window_cfg["median_difference"]``) each channel minus the record's median window.
    rr
        RR features (n, 8) of ``window.RR_COLUMNS`` (s and ratios), or None without them.
    fs_hz
        Sampling rate of the windows (Hz).
    window_cfg
        The config's ``window`` section (``pre_ms``, ``median_difference``).
    coarse_ms
        Averaging length (ms) of the coarse morphology; at least one sample.
    qrs_ms
        [start, end] (ms, relative to the event) of the stretch whose curve length and range
        (units of the window, z-scored by default) describe the QRS.

    Returns
    -------
    np.ndarray
        RR features, coarse channels, then per channel the correlation with its median window and
        the mean square of the difference (with a median difference), then QRS length and range.
    """
    n, samples, channels = windows.shape
    step = max(1, int(round(coarse_ms * fs_hz / 1000)))
    usable = samples - samples % step
    coarse = windows[:, :usable].reshape(n, usable // step, step, channels).mean(axis=2)
    parts = [] if rr is None else [rr]
    parts.append(coarse.reshape(n, -1))
    if window_cfg["median_difference"]:
        beat, difference = np.split(windows, 2, axis=2)
        usual = beat - difference
        centred = usual - usual.mean(axis=1, keepdims=True)
        norms = np.linalg.norm(beat, axis=1) * np.linalg.norm(centred, axis=1) + 1e-9
        parts += [(beat * centred).sum(axis=1) / norms, (difference ** 2).mean(axis=1)]
    n_pre = window_samples(fs_hz, window_cfg["pre_ms"], 0)[0]
    start, end = (min(max(n_pre + int(round(ms * fs_hz / 1000)), 0), samples) for ms in qrs_ms)
    qrs = windows[:, start:max(end, start + 2), 0]
    parts += [np.abs(np.diff(qrs, axis=1)).sum(axis=1, keepdims=True), np.ptp(qrs, axis=1)[:, None]]
    return np.column_stack(parts).astype(np.float32)


def window_features(windows: WindowSet, config: dict) -> np.ndarray:
    """``beat_features`` of every window of a WindowSet, with the config's settings."""
    cfg = config["companion"]
    fs_hz = float(windows.index["fs_hz"].iat[0]) if len(windows) else 1.0
    return beat_features(windows.take(np.arange(len(windows))), windows.features, fs_hz,
                         config["window"], cfg["coarse_ms"], cfg["qrs_ms"])


def class_probabilities(booster: HistGradientBoostingClassifier, features: np.ndarray,
                        n_classes: int) -> np.ndarray:
    """Probabilities (n, n_classes) of every class; 0 for a class the booster never saw."""
    probs = np.zeros((len(features), n_classes))
    probs[:, booster.classes_] = booster.predict_proba(features)
    return probs


@dataclass(frozen=True)
class Companion:
    """A fitted companion: the booster, the class-weight power chosen on validation and the
    validation mean F1 (of the scored classes) of each power tried."""

    booster: HistGradientBoostingClassifier
    power: float
    val_f1: dict[float, float]


def fit_companion(features: np.ndarray, labels: np.ndarray, val_features: np.ndarray,
                  val_labels: np.ndarray, n_classes: int, cfg: dict,
                  scored: list[int] | None = None) -> Companion:
    """Fit one booster per ``cfg["class_weight_power"]`` on the training windows and keep the one
    of best mean F1 on the validation windows over the classes present there (of those
    ``scored``, as indices; all if None).

    Parameters
    ----------
    features, labels
        Training windows' features (n, f) and class indices (n,).
    val_features, val_labels
        The validation split's, from other patients than the training split's.
    n_classes
        Number of classes (columns of the probabilities).
    cfg
        The config's ``companion`` section.
    scored
        Class indices whose F1 counts in the choice (all if None).
    """
    present = [k for k in np.unique(val_labels) if scored is None or k in scored]
    scores, boosters = {}, {}
    for power in cfg["class_weight_power"]:
        weights = class_weights(labels, n_classes, power, cfg["max_class_weight"])
        booster = HistGradientBoostingClassifier(
            max_iter=cfg["max_iter"], learning_rate=cfg["learning_rate"],
            l2_regularization=cfg["l2_regularization"], random_state=cfg["seed"])
        booster.fit(features, labels, sample_weight=weights[labels])
        predicted = class_probabilities(booster, val_features, n_classes).argmax(axis=1)
        scores[power] = float(f1_score(val_labels, predicted, labels=present, average="macro",
                                       zero_division=0))
        boosters[power] = booster
    best = max(scores, key=scores.get)
    return Companion(boosters[best], best, scores)
