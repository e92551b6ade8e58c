"""The models beside the LSTM, trained and scored on the same split (or fold) as the LSTM.

``companion``: gradient-boosted trees (:mod:`signalrnn.model.boosting`) fitted on the training
split, their class weights chosen on the validation split, then the premature gate of the LSTM's
config; probabilities of the validation and test windows are written, the test ones assessed.
``stack``: the LSTM and the companion combined (:mod:`.stacking`), the weight and the decision
costs chosen on the validation split's probabilities of both, the test split assessed. Each is
logged to an MLflow run of its own; cross-validation folds pool like the LSTM's (``pool_folds``).
"""

from __future__ import annotations

import json

import joblib
import numpy as np
import pandas as pd

from signalrnn.config.load import class_names
from signalrnn.errors import SignalrnnError
from signalrnn.evaluation.assess import (
    SPLIT,
    evaluate_member,
    label_metrics,
    prediction_table,
    read_probabilities,
    summary_line,
)
from signalrnn.evaluation.stacking import (
    Criterion,
    choose_costs,
    choose_weight,
    combine,
    screening_counts,
    screening_rates,
    screening_threshold,
    with_costs,
)
from signalrnn.io.layout import Layout
from signalrnn.model.boosting import Companion, class_probabilities, fit_companion, window_features
from signalrnn.model.build import apply_premature_gate
from signalrnn.model.train import require_every_class
from signalrnn.preprocessing.dataset import WindowSet, split_windows
from signalrnn.preprocessing.window import PREMATURITY


def companion(config: dict, layout: Layout) -> dict:
    """Fit the companion on ``layout``'s training split (its fold's), score it on the test split;
    write its model, validation and test predictions and evaluation under
    ``layout.for_member("companion")``; return the test metrics."""
    classes, cfg = class_names(config), config["companion"]
    sets = {name: split_windows(layout, name, classes) for name in ("train", "val", SPLIT)}
    fitted, probs = fit_and_score_companion(config, sets)
    n_features = fitted.booster.n_features_in_
    member = layout.for_member("companion")
    member.model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(fitted.booster, member.booster)
    fold = {} if layout.fold is None else {"fold": int(layout.fold)}
    val_table = prediction_table(sets["val"].index, probs["val"], classes, fold)
    val_table.to_csv(member.val_predictions, index=False)
    chosen = {"class_weight_power": fitted.power,
              "val_f1_by_power": {str(p): s for p, s in fitted.val_f1.items()}}
    print(f"companion: {len(sets['train'])} train windows, {n_features} features; "
          f"class weight power {fitted.power} chosen on val (mean F1 of the scored classes by power "
          f"{fitted.val_f1})", flush=True)
    params = {f"companion.{k}": v for k, v in cfg.items()} | {
        "n_train_windows": len(sets["train"]), "n_val_windows": len(sets["val"]),
        "n_features": n_features}
    return evaluate_member(config, member, sets[SPLIT].index, probs[SPLIT], params,
                           {"chosen_on_val": chosen})


def fit_and_score_companion(config: dict,
                            sets: dict[str, WindowSet]) -> tuple[Companion, dict[str, np.ndarray]]:
    """The companion fitted on ``sets["train"]`` (its class-weight power chosen on ``sets["val"]``)
    and the class probabilities (n, classes) of every split but train, after the LSTM's
    ``model.premature_gate``."""
    classes, cfg = class_names(config), config["companion"]
    require_every_class(sets["train"], "train", classes)
    features = {name: window_features(windows, config) for name, windows in sets.items()}
    scored = known_classes("companion.scored_classes", cfg["scored_classes"], classes)
    fitted = fit_companion(features["train"], sets["train"].labels, features["val"], sets["val"].labels,
                           len(classes), cfg, None if scored is None else [classes.index(c) for c in scored])
    gate = config["model"]["premature_gate"]
    probs = {}
    for name in sets.keys() - {"train"}:
        probs[name] = class_probabilities(fitted.booster, features[name], len(classes))
        if gate is not None:
            probs[name] = apply_premature_gate(probs[name], sets[name].index[PREMATURITY].to_numpy(),
                                               gate, classes)
    return fitted, probs


def stack(config: dict, layout: Layout) -> dict:
    """Combine the LSTM's and the companion's probabilities of ``layout``'s split (fold): weight
    and decision costs chosen on the validation split, the test split assessed; write
    stacking.json and the evaluation under ``layout.for_member("stacked")``; return the test
    metrics, with the combination before the costs under ``without_costs``."""
    classes, cfg = class_names(config), config["companion"]
    reference = cfg["cost_reference"] or classes[0]
    if reference not in classes:
        raise SignalrnnError(f"companion.cost_reference: {reference!r} is not one of the classes "
                             f"{classes}; name the class whose decision cost stays 1")

    other = layout.for_member("companion")
    val_index, lstm_val = read_probabilities(layout.val_predictions, classes)
    test_index, lstm_test = read_probabilities(layout.predictions, classes)
    companion_val, companion_test = (_aligned(index, *read_probabilities(path, classes), path) for index, path
                                     in ((val_index, other.val_predictions), (test_index, other.predictions)))
    y_val = val_index["label"].map({c: i for i, c in enumerate(classes)}).to_numpy()
    known_classes("companion.reference_called_max", list(cfg["reference_called_max"]), classes)
    criterion = Criterion(classes, reference,
                          known_classes("companion.scored_classes", cfg["scored_classes"], classes),
                          cfg["reference_called_max"])
    weight, weight_scores = choose_weight(y_val, lstm_val, companion_val, cfg["stack_weights"], criterion)
    combined_val = combine(lstm_val, companion_val, weight)
    costs = (choose_costs(y_val, combined_val, cfg["cost_grid"], criterion)
             if cfg["cost_grid"] else np.ones(len(classes)))
    chosen = {"lstm_weight": weight, "val_score_by_weight": {str(w): s for w, s in weight_scores.items()},
              "costs": dict(zip(classes, costs.tolist(), strict=True))}
    screen = cfg["screening"]
    if screen is not None:
        positive = [classes.index(c) for c in known_classes("companion.screening.classes", screen["classes"],
                                                             classes)]
        chosen["screening_threshold"] = screening_threshold(y_val, with_costs(combined_val, costs), positive,
                                                            screen["sensitivity"])
    member = layout.for_member("stacked")
    member.run_dir.mkdir(parents=True, exist_ok=True)
    member.stacking.write_text(json.dumps(chosen, indent=2))
    print(f"stack: LSTM weight {weight}, decision costs {chosen['costs']} (chosen on val, "
          f"{len(val_index)} windows)", flush=True)
    combined_test = combine(lstm_test, companion_test, weight)
    index = test_index[[c for c in test_index.columns
                        if c not in ("predicted", "probability") and not c.startswith("p_")]]
    y_test = index["label"].map({c: i for i, c in enumerate(classes)}).to_numpy()
    before = label_metrics(y_test, combined_test.argmax(axis=1), index["patient"].to_numpy(), classes,
                           SPLIT, config["evaluate"])
    print(f"stack: before the costs, {summary_line(before)}", flush=True)
    extra = {"chosen_on_val": chosen, "without_costs": before}
    if chosen.get("screening_threshold") is not None:
        counts = screening_counts(y_test, with_costs(combined_test, costs), positive,
                                  chosen["screening_threshold"])
        extra["screening"] = {"classes": screen["classes"], "target_sensitivity": screen["sensitivity"],
                              "threshold": chosen["screening_threshold"], **counts, **screening_rates(counts)}
    return evaluate_member(
        config, member, index, with_costs(combined_test, costs),
        {"lstm_weight": weight, **{f"cost_{c}": v for c, v in chosen["costs"].items()}}, extra)


def known_classes(key: str, names: list[str] | None, classes: list[str]) -> list[str] | None:
    """``names`` (the config's ``key``; None: all), checked against the config's classes."""
    unknown = sorted(set(names or []) - set(classes))
    if unknown:
        raise SignalrnnError(f"{key}: {unknown} are not classes of the config ({classes}); name "
                             "classes of annotation.classes")
    return names


def _aligned(index: pd.DataFrame, table: pd.DataFrame, probs: np.ndarray, path) -> np.ndarray:
    """``probs`` of ``table`` (read from ``path``), after checking that its windows are those of
    ``index`` in the same order (record, sample, label)."""
    keys = ["record", "sample", "label"]
    if not table[keys].reset_index(drop=True).equals(index[keys].reset_index(drop=True)):
        raise SignalrnnError(f"{path}: its windows are not the LSTM's of the same split; rerun the "
                             "companion and evaluate rules (snakemake --forcerun companion)")
    return probs
