"""The LSTM and its companion stacked: a weighted mean of their class probabilities, then a
decision cost per class, both chosen on the validation split of the fold (nested: the test split
is never looked at).

The criterion (:class:`Criterion`) is the mean F1 of the scored classes present in the
validation split (``companion.scored_classes``; all classes by default). A class not scored, or
absent there (F, whose beats are nearly all in one DS1 record), earns nothing when called; but
calling it can still pay by taking false calls of a scored class. So a class not scored gets the
grid's lowest cost, not a chosen one (it is called only where the models are sure of it), and a
limit on the share of the reference class (N) that may be called it
(``companion.reference_called_max``) is enforced by a penalty on the criterion. The
costs are multiplicative weights on the probabilities (the Bayes decision of a cost-sensitive
classifier whose costs depend on the predicted class only; Elkan 2001), renormalised.

References
----------
Elkan C. The foundations of cost-sensitive learning. IJCAI 2001:973-8.
Wolpert DH. Stacked generalization. Neural Networks 1992;5(2):241-59.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from signalrnn.evaluation.metrics import classification_metrics


def combine(lstm: np.ndarray, companion: np.ndarray, weight: float) -> np.ndarray:
    """``weight`` x the LSTM's probabilities + (1 - ``weight``) x the companion's (both (n, k))."""
    return weight * np.asarray(lstm) + (1 - weight) * np.asarray(companion)


def with_costs(probs: np.ndarray, costs: np.ndarray) -> np.ndarray:
    """Probabilities (n, k) times the per-class decision ``costs`` (k,), rows summing to 1; their
    most probable class is the cost-weighted decision."""
    weighted = np.asarray(probs) * np.asarray(costs)
    return weighted / np.maximum(weighted.sum(axis=1, keepdims=True), 1e-12)


def score(y_true: np.ndarray, probs: np.ndarray, classes: list[str],
          scored: list[str] | None = None) -> float:
    """Mean F1 of the most probable class over the classes ``scored`` (all if None) that are
    present in ``y_true``; 0 if none is."""
    per_class = classification_metrics(y_true, probs.argmax(axis=1), classes, "val")["per_class"]
    f1 = [v["f1"] for c, v in per_class.items() if v["support"] and (scored is None or c in scored)]
    return float(np.mean(f1)) if f1 else 0.0


# Criterion lost per unit of share above a limit: 1 % over costs 0.1 of mean F1, more than any
# plausible gain in F1, so a limit is met whenever the grid allows it.
PENALTY = 10.0


@dataclass(frozen=True)
class Criterion:
    """What the choices on validation maximise: the mean F1 (``score``) of the ``scored``
    classes (all if None) present, less ``PENALTY`` x the amount by which the share of the
    ``reference`` class's windows called each class of ``limits`` exceeds its limit (0-1)."""

    classes: list[str]
    reference: str
    scored: list[str] | None = None
    limits: dict[str, float] = field(default_factory=dict)

    def __call__(self, y_true: np.ndarray, probs: np.ndarray) -> float:
        value = score(y_true, probs, self.classes, self.scored)
        reference = np.asarray(y_true) == self.classes.index(self.reference)
        if self.limits and reference.any():
            called = np.asarray(probs)[reference].argmax(axis=1)
            for name, limit in self.limits.items():
                value -= PENALTY * max(0.0, float(np.mean(called == self.classes.index(name))) - limit)
        return value


def choose_weight(y_val: np.ndarray, lstm_val: np.ndarray, companion_val: np.ndarray,
                  weights: list[float], criterion: Criterion) -> tuple[float, dict[float, float]]:
    """The LSTM's weight among ``weights`` (0 = the companion alone, 1 = the LSTM alone) of best
    validation ``criterion``, ties to the one nearest 0.5; and the criterion of each weight."""
    scores = {float(w): criterion(y_val, combine(lstm_val, companion_val, w)) for w in weights}
    best = max(scores.values())
    return min((w for w, s in scores.items() if s == best), key=lambda w: abs(w - 0.5)), scores


def choose_costs(y_val: np.ndarray, probs_val: np.ndarray, grid: list[float], criterion: Criterion,
                 sweeps: int = 2) -> np.ndarray:
    """Per-class decision costs (the criterion's reference class fixed at 1) by coordinate ascent
    of the validation ``criterion`` over ``grid``, each class in turn, ``sweeps`` times; ties go
    to the cost nearest 1 (on a log scale), so a cost moves only where it helps. A class the
    criterion does not score gets the grid's lowest cost: a validation split can reward calling
    it (taking false calls of a scored class) where a test patient then pays with normal beats.

    Parameters
    ----------
    y_val, probs_val
        Validation class indices (n,) and probabilities (n, k) of the combination.
    grid
        Candidate costs (> 0), e.g. 1/8 ... 4.
    criterion
        What is maximised (its classes name the k columns).
    sweeps
        Passes over the classes.
    """
    costs = np.ones(len(criterion.classes))
    order = sorted(grid, key=lambda c: abs(np.log(c)))
    for _ in range(sweeps):
        for k, name in enumerate(criterion.classes):
            if name == criterion.reference:
                continue
            if criterion.scored is not None and name not in criterion.scored:
                costs[k] = min(grid)
                continue
            trials = {}
            for c in order:
                costs[k] = c
                trials[c] = criterion(y_val, with_costs(probs_val, costs))
            costs[k] = max(order, key=lambda c: trials[c])  # first of the best: nearest 1
    return costs


def screening_threshold(y_val: np.ndarray, probs_val: np.ndarray, positive: list[int],
                        sensitivity: float) -> float | None:
    """The operating point of a screen for the ``positive`` classes: the largest threshold on
    their summed probability that flags at least ``sensitivity`` (0-1) of the validation
    split's positive windows; None when the validation split has none."""
    scores = np.sort(np.asarray(probs_val)[:, positive].sum(axis=1)[np.isin(y_val, positive)])
    if not len(scores):
        return None
    # scores[k] and above flag len - k windows: k at most len x (1 - sensitivity)
    return float(scores[min(int(np.floor(len(scores) * (1 - sensitivity) + 1e-9)), len(scores) - 1)])


def screening_counts(y_true: np.ndarray, probs: np.ndarray, positive: list[int],
                     threshold: float) -> dict[str, int]:
    """Windows flagged (summed probability of the ``positive`` classes >= ``threshold``) or not,
    by truth: ``tp``, ``fn`` (positive windows), ``fp``, ``tn`` (the others)."""
    flagged = np.asarray(probs)[:, positive].sum(axis=1) >= threshold
    truth = np.isin(y_true, positive)
    return {"tp": int((flagged & truth).sum()), "fn": int((~flagged & truth).sum()),
            "fp": int((flagged & ~truth).sum()), "tn": int((~flagged & ~truth).sum())}


def screening_rates(counts: dict[str, int]) -> dict[str, float]:
    """Sensitivity, positive predictivity and the share of the other windows flagged (false
    alarm rate) of ``screening_counts``."""
    return {"sensitivity": counts["tp"] / max(counts["tp"] + counts["fn"], 1),
            "positive_predictivity": counts["tp"] / max(counts["tp"] + counts["fp"], 1),
            "false_alarm_rate": counts["fp"] / max(counts["fp"] + counts["tn"], 1)}
