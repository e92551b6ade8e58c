"""Are the predicted probabilities honest? Reliability, expected calibration error, temperature.

A window predicted with probability 0.9 should be right 9 times in 10. The reliability diagram
bins windows by their top probability (the confidence) and compares each bin's confidence with
its accuracy; the expected calibration error (ECE) is the window-weighted mean gap (Guo et al.,
ICML 2017). Temperature scaling divides the log-probabilities by one number T fitted on the
validation split: T > 1 softens over-confident predictions; it never changes the predicted class.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

EPS = 1e-12


def reliability_table(probs: np.ndarray, y_true: np.ndarray, n_bins: int) -> pd.DataFrame:
    """Per confidence bin of equal width on [0, 1]: window count, mean confidence and accuracy."""
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == np.asarray(y_true)
    edges = np.linspace(0, 1, n_bins + 1)
    bins = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, n_bins - 1)
    table = pd.DataFrame({"bin": bins, "confidence": confidence, "correct": correct})
    grouped = table.groupby("bin").agg(windows=("correct", "size"), confidence=("confidence", "mean"),
                                       accuracy=("correct", "mean"))
    grouped = grouped.reindex(range(n_bins)).fillna({"windows": 0}).astype({"windows": int})
    return grouped.assign(low=edges[:-1], high=edges[1:]).reset_index(drop=True)


def expected_calibration_error(probs: np.ndarray, y_true: np.ndarray, n_bins: int) -> float:
    """Window-weighted mean |accuracy - confidence| over the bins of ``reliability_table``."""
    table = reliability_table(probs, y_true, n_bins).dropna()
    gap = (table["accuracy"] - table["confidence"]).abs()
    return float((table["windows"] * gap).sum() / max(table["windows"].sum(), 1))


def negative_log_likelihood(probs: np.ndarray, y_true: np.ndarray) -> float:
    """Mean -log p(true class) (nats)."""
    return float(-np.log(probs[np.arange(len(probs)), np.asarray(y_true)] + EPS).mean())


def scale_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log p / T): the probabilities a temperature ``T`` gives."""
    logits = np.log(probs + EPS) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    scaled = np.exp(logits)
    return scaled / scaled.sum(axis=1, keepdims=True)


def fit_temperature(probs: np.ndarray, y_true: np.ndarray) -> float:
    """The temperature in [0.05, 20] that minimises the negative log-likelihood of ``y_true``."""
    result = minimize_scalar(
        lambda log_t: negative_log_likelihood(scale_temperature(probs, np.exp(log_t)), y_true),
        bounds=(np.log(0.05), np.log(20.0)), method="bounded",
    )
    return float(np.exp(result.x))


def calibration_summary(probs: np.ndarray, y_true: np.ndarray, n_bins: int,
                        temperature: float | None) -> dict:
    """ECE and NLL of ``probs``, and with a temperature also of the scaled probabilities."""
    summary = {"n_bins": n_bins, "ece": expected_calibration_error(probs, y_true, n_bins),
               "nll": negative_log_likelihood(probs, y_true), "temperature": temperature}
    if temperature is not None:
        scaled = scale_temperature(probs, temperature)
        summary |= {"ece_scaled": expected_calibration_error(scaled, y_true, n_bins),
                    "nll_scaled": negative_log_likelihood(scaled, y_true)}
    return summary
