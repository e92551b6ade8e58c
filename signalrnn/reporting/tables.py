"""The report's tables, read from the workflow's outputs: data per split, dropped events,
results with their intervals, calibration, folds, the SNR sweep, data fingerprints."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from signalrnn.config.load import class_names
from signalrnn.evaluation.metrics import confusion_metrics, ec57_metrics
from signalrnn.evaluation.stacking import screening_rates
from signalrnn.evaluation.sweep import sweep_table
from signalrnn.io.layout import MEMBERS, Layout, snr_label
from signalrnn.io.records import read_header, record_names
from signalrnn.preprocessing.dataset import split_windows
from signalrnn.preprocessing.split import split_folds


def data_table(config: dict, layout: Layout) -> pd.DataFrame:
    """Patients, records and windows per class in each split (cross-validation: in each fold's test
    split)."""
    split = pd.read_csv(layout.split, dtype={"record": str, "patient": str})
    folds = split_folds(layout.split)
    parts = ([({"fold": k}, layout.for_fold(k), split[split["fold"] == k], "test") for k in folds]
             or [({"split": name}, layout, split, name) for name in ("train", "val", "test")])
    rows = []
    for key, part_layout, table, name in parts:
        part = table[table["split"] == name]
        counts = split_windows(part_layout, name, class_names(config)).index["label"].value_counts()
        rows.append({**key, "patients": part["patient"].nunique(), "records": len(part),
                     **{c: int(counts.get(c, 0)) for c in class_names(config)},
                     "windows": int(counts.sum())})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class DroppedEvents:
    """Events that got no window. ``table``: the records with events on missing or flat signal
    (their events, and those dropped by reason); ``edge_records`` records lost ``edge_events``
    events in all that lay too near their ends for a window, as every record may."""

    table: pd.DataFrame
    edge_records: int
    edge_events: int


def dropped_events(config: dict, layout: Layout) -> DroppedEvents:
    """The events without a window, by record (see :class:`DroppedEvents`)."""
    counts = {record: json.loads(layout.window_drops(record).read_text()) for record in record_names(config)}
    rows = [{"record": record, "events": c["events"], "on missing or flat signal": c["unusable"],
             "too near the record's ends": c["edge"]} for record, c in counts.items() if c["unusable"]]
    edges = [c["edge"] for c in counts.values() if c["edge"]]
    return DroppedEvents(pd.DataFrame(rows), len(edges), sum(edges))


VOLTAGE_UNITS = {"v", "mv", "uv", "µv", "nv"}  # calibrated amplitude units of WFDB headers (lower case)


def amplitude_units(config: dict) -> pd.DataFrame:
    """The amplitude units of the records' channels as their headers give them: one row per unit,
    with its records and whether it is a voltage (IAFDB's ``NU`` and raw ADC units are not)."""
    records: dict[str, list[str]] = {}
    for record in record_names(config):
        for unit in dict.fromkeys(read_header(config["data_dir"], record).units):
            records.setdefault(unit, []).append(record)
    return pd.DataFrame([{"units": unit, "records": names, "voltage": unit.lower() in VOLTAGE_UNITS}
                         for unit, names in records.items()])


def sweep_results(config: dict, layout: Layout) -> pd.DataFrame | None:
    """The SNR sweep table (see ``sweep.sweep_table``); None without a sweep."""
    levels = config["sweep"]["snr_db"]
    if not levels:
        return None
    return sweep_table([json.loads(layout.sweep_metrics(snr_label(s)).read_text()) for s in levels])


def fold_table(metrics: dict) -> pd.DataFrame:
    """Per cross-validation fold: windows, accuracy, macro-F1 and Se / +P / F1 of each class."""
    return pd.DataFrame([
        {"fold": fold["fold"], "windows": fold["n_windows"], "accuracy": fold["accuracy"],
         "macro-F1": fold["macro_f1"],
         **{f"{c} Se / +P / F1": f"{v['recall']:.2f} / {v['precision']:.2f} / {v['f1']:.2f}"
            for c, v in fold["per_class"].items()}}
        for fold in metrics["folds"]
    ])


def _cell(value: float, interval: list[float] | None) -> str:
    """A table cell ``0.830 (0.750-0.900)``: the value and its 95% CI, if any."""
    return f"{value:.3f}" + (f" ({interval[0]:.3f}-{interval[1]:.3f})" if interval else "")


def overall_table(metrics: dict) -> pd.DataFrame:
    ci = metrics["ci"] or {}
    rows = [{"": "network", "windows": metrics["n_windows"], "patients": metrics["n_patients"],
             **{f"{name} (95% CI)": _cell(metrics[k], ci.get(k)) for k, name in
                (("accuracy", "accuracy"), ("balanced_accuracy", "balanced accuracy"),
                 ("macro_f1", "macro-F1"))}}]
    if metrics.get("baseline"):
        base = metrics["baseline"]
        rows.append({"": "baseline", "windows": base.get("n_windows", metrics["n_windows"]),
                     "patients": metrics["n_patients"],
                     **{f"{name} (95% CI)": _cell(base[k], (base.get("ci") or {}).get(k)) for k, name in
                        (("accuracy", "accuracy"), ("balanced_accuracy", "balanced accuracy"),
                         ("macro_f1", "macro-F1"))}})
    return pd.DataFrame(rows)


def per_class_table(metrics: dict) -> pd.DataFrame:
    ci = (metrics["ci"] or {}).get("per_class", {})
    base = metrics.get("baseline")
    base_ci = ((base or {}).get("ci") or {}).get("per_class", {})
    return pd.DataFrame([
        {"class": c, "windows": v["support"],
         "Se (95% CI)": _cell(v["recall"], ci.get(c, {}).get("recall")),
         "+P (95% CI)": _cell(v["precision"], ci.get(c, {}).get("precision")),
         "F1 (95% CI)": _cell(v["f1"], ci.get(c, {}).get("f1")),
         **({"baseline F1 (95% CI)": _cell(base["per_class"][c]["f1"], base_ci.get(c, {}).get("f1"))}
            if base else {}),
         "ROC AUC": metrics["roc_auc"].get(c), "average precision": metrics["average_precision"].get(c)}
        for c, v in metrics["per_class"].items()
    ])


def calibration_table(calibration: dict) -> pd.DataFrame:
    rows = [{"probabilities": "as the network gives them", "ECE": calibration["ece"],
             "negative log-likelihood": calibration["nll"]}]
    if calibration["temperature"] is not None:
        rows.append({"probabilities": f"temperature-scaled (T = {calibration['temperature']:.2f})",
                     "ECE": calibration["ece_scaled"], "negative log-likelihood": calibration["nll_scaled"]})
    return pd.DataFrame(rows)


def fingerprint_table(prints: dict[str, str]) -> pd.DataFrame:
    """One row per record: the short SHA-256 of its header, signal, annotation and windows files."""
    rows: dict[str, dict] = {}
    for path, digest in prints.items():
        if path != "__all__":
            name = Path(path)
            kind = "windows" if name.suffix == ".npy" else name.suffix.lstrip(".")
            rows.setdefault(name.stem, {"record": name.stem})[kind] = digest[:12]
    return pd.DataFrame(list(rows.values()))


def _member_row(model: str, metrics: dict, scope: str, ec57: bool) -> dict:
    """One row of ``members_table``: a model's metrics of ``scope`` (which split they come from),
    with ``ec57`` its EC57 VEB and SVEB statistics."""
    per_class = metrics["per_class"]
    cm = np.array(metrics["confusion_matrix"])
    classes = metrics["classes"]
    row = {"model": model, "scored on": scope, "windows": metrics["n_windows"],
           "accuracy": metrics["accuracy"], "macro-F1": metrics["macro_f1"],
           **{f"{c} F1": v["f1"] for c, v in per_class.items()}}
    if {"N", "F"} <= set(classes):
        n, f = classes.index("N"), classes.index("F")
        row["N called F (% of N)"] = 100 * cm[n, f] / max(cm[n].sum(), 1)
    for name, value in (ec57_metrics(cm, classes) if ec57 else {}).items():
        if isinstance(value, dict):
            row[f"EC57 {name} Se / +P"] = f"{value['sensitivity']:.3f} / {value['positive_predictivity']:.3f}"
    return row


def members_table(config: dict, layout: Layout) -> pd.DataFrame:
    """The LSTM, its companion and the two stacked side by side, each row saying the split its
    metrics come from; with cross-validation also the stacked models before their decision costs
    (the folds' confusion matrices summed). Columns: accuracy, macro-F1, F1 per class, N called F
    (% of N) and, with ``aami.ec57``, EC57 VEB / SVEB Se / +P."""
    lstm = json.loads(layout.metrics.read_text())
    cv = "folds" in lstm
    scope = "test split, folds pooled" if cv else "test split"
    members = {m: json.loads(layout.for_member(m).metrics.read_text()) for m in MEMBERS}
    ec57 = config["aami"]["ec57"]
    rows = [_member_row("LSTM", lstm, scope, ec57),
            _member_row("companion (gradient boosting)", members["companion"], scope, ec57)]
    stacked = members["stacked"]
    folds = stacked.get("folds", [stacked])
    before = confusion_metrics(sum(np.array(f["without_costs"]["confusion_matrix"]) for f in folds),
                               stacked["classes"], "test")
    rows.append(_member_row("stacked, before decision costs", before, scope, ec57))
    rows.append(_member_row("stacked (weight and costs chosen on val)", stacked, scope, ec57))
    return pd.DataFrame(rows)


def stacking_table(layout: Layout) -> pd.DataFrame:
    """What each fold (or the one split) chose on its validation split: the companion's class
    weight power, the LSTM's weight in the stacked mean and the decision cost of each class."""
    stacked = json.loads(layout.for_member("stacked").metrics.read_text())
    companion = json.loads(layout.for_member("companion").metrics.read_text())
    pairs = zip(stacked.get("folds", [stacked]), companion.get("folds", [companion]), strict=True)
    return pd.DataFrame([
        {**({"fold": s["fold"]} if "fold" in s else {}),
         "companion class weight power": c["chosen_on_val"]["class_weight_power"],
         "LSTM weight": s["chosen_on_val"]["lstm_weight"],
         **{f"cost {k}": v for k, v in s["chosen_on_val"]["costs"].items()},
         **({"screening threshold": s["chosen_on_val"]["screening_threshold"]}
            if "screening_threshold" in s["chosen_on_val"] else {})}
        for s, c in pairs])


def screening_table(layout: Layout) -> pd.DataFrame | None:
    """The stacked models' screening operating point on the test split (folds' counts summed):
    its classes, the sensitivity aimed at on validation, and the test sensitivity, positive
    predictivity and false alarm rate; None without ``companion.screening``."""
    stacked = json.loads(layout.for_member("stacked").metrics.read_text())
    folds = [f["screening"] for f in stacked.get("folds", [stacked]) if "screening" in f]
    if not folds:
        return None
    counts = {k: sum(f[k] for f in folds) for k in ("tp", "fn", "fp", "tn")}
    return pd.DataFrame([{"flag": " or ".join(folds[0]["classes"]),
                          "sensitivity aimed at on val": folds[0]["target_sensitivity"],
                          "folds with a threshold": len(folds), **screening_rates(counts), **counts}])
