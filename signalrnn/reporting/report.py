"""A self-contained HTML report (images embedded) for clinical review of one experiment.

Plain-language summary first, then data, methods, results with figures, the failure gallery,
example windows and provenance. No scripts, fonts or other files are fetched, so the report
reads offline and prints to PDF as it is.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from signalrnn.config.load import class_names
from signalrnn.data.simulate import TRUTH_FILE
from signalrnn.evaluation.figures import example_windows_figure, snr_sweep_figure, training_curves_figure
from signalrnn.evaluation.maps import held_out_map_scores
from signalrnn.evaluation.metrics import commonest_error
from signalrnn.evaluation.sweep import sweep_table
from signalrnn.io.layout import Layout, snr_label
from signalrnn.io.records import record_names
from signalrnn.model.select import selected_config
from signalrnn.preprocessing.dataset import WindowSet, split_windows
from signalrnn.preprocessing.split import split_folds
from signalrnn.reporting.html import STYLE, _img, _table


def _with_ci(value: float, interval: list[float] | None, percent: bool = False) -> str:
    """``0.830 (95% CI 0.750 to 0.900)``, or as percentages; just the value without an interval."""
    fmt = (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:.3f}")
    return fmt(value) + (f" (95% CI {fmt(interval[0])} to {fmt(interval[1])})" if interval else "")


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


def dropped_table(config: dict, layout: Layout) -> pd.DataFrame:
    """The records with events that got no window: their events, and those dropped by reason."""
    rows = []
    for record in record_names(config):
        counts = json.loads(layout.window_drops(record).read_text())
        if counts["edge"] or counts["unusable"]:
            rows.append({"record": record, "events": counts["events"],
                         "too near the record's ends": counts["edge"],
                         "on missing or flat signal": counts["unusable"]})
    return pd.DataFrame(rows)


def dropped_section(config: dict, layout: Layout) -> str:
    """The data section's note on events without a window; empty when every event has one."""
    table = dropped_table(config, layout)
    if table.empty:
        return ""
    flat = config["filter"]["flat_ms"]
    return (f"<p>Events without a window, in no split: too near either end of the record for a "
            f"{config['window']['pre_ms']} + {config['window']['post_ms']} ms window, or on a channel "
            f"missing or flat for {flat} ms or more (lead off, saturation).</p>{_table(table)}")


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


def held_out_windows(config: dict, layout: Layout) -> WindowSet:
    """Every test window: of the test split, or with cross-validation, of all folds."""
    if not split_folds(layout.split):
        return split_windows(layout, "test", class_names(config))
    records = pd.read_csv(layout.split, dtype={"record": str})["record"].unique().tolist()
    return WindowSet(layout.windows_dir, records, class_names(config))


def histories(layout: Layout) -> pd.DataFrame:
    """Training history; with cross-validation, every fold's with a ``fold`` column."""
    folds = split_folds(layout.split)
    if not folds:
        return pd.read_csv(layout.history)
    return pd.concat([pd.read_csv(layout.for_fold(k).history).assign(fold=k) for k in folds],
                     ignore_index=True)


def write_figures(config: dict, layout: Layout) -> None:
    """Training curves, example test windows of each class and the SNR sweep, as PNG files."""
    figure = training_curves_figure(histories(layout))
    figure.savefig(layout.curves_png, dpi=110)
    test = held_out_windows(config, layout)
    rng = np.random.default_rng(0)
    n = config["report"]["examples_per_class"]
    examples = {}
    for i, cls in enumerate(test.classes):
        positions = np.flatnonzero(test.labels == i)
        chosen = np.sort(rng.choice(positions, min(n, len(positions)), replace=False))
        examples[cls] = test.take(chosen)
    fs_hz = float(test.index["fs_hz"].iat[0])
    figure = example_windows_figure(examples, fs_hz, config["window"]["pre_ms"])
    figure.savefig(layout.examples_png, dpi=110)
    sweep = sweep_results(config, layout)
    if sweep is not None:
        snr_sweep_figure(sweep).savefig(layout.figure("snr_sweep"), dpi=110)


def summary_points(metrics: dict, per_patient: pd.DataFrame) -> list[str]:
    """The findings in plain language, one HTML sentence or two each."""
    ci = metrics["ci"] or {"per_class": {c: {} for c in metrics["classes"]}}
    n_patients = metrics["n_patients"]
    if metrics["ci"]:
        spread = (f"The ranges are 95% confidence intervals from resampling the {n_patients} test "
                  f"patients {metrics['ci']['n_resamples']} times")
        spread += ("; with so few patients they are rough." if n_patients < 10 else ".")
    else:
        spread = "With a single test patient no confidence interval can be given."
    points = [
        f"<b>How well:</b> macro-F1 <b>{_with_ci(metrics['macro_f1'], ci.get('macro_f1'))}</b>, "
        f"balanced accuracy {_with_ci(metrics['balanced_accuracy'], ci.get('balanced_accuracy'), True)}"
        f", accuracy {_with_ci(metrics['accuracy'], ci.get('accuracy'), True)}. {spread}"
    ]
    baseline = metrics.get("baseline")
    if baseline:
        better = "better" if metrics["macro_f1"] > baseline["macro_f1"] else "not better"
        points.append(
            f"<b>Against the baseline:</b> the deflection-counting baseline (thresholds fitted on "
            f"the validation patients) reached a macro-F1 of "
            f"{baseline['macro_f1']:.3f} and a balanced accuracy of {baseline['balanced_accuracy']:.0%}"
            f" on the same test windows; the network is {better} by macro-F1."
        )
    recall = {c: v["recall"] for c, v in metrics["per_class"].items() if v["support"]}
    worst = min(recall, key=recall.get)
    points.append(
        f"<b>Per class:</b> the weakest class is <b>{worst}</b>: "
        f"{_with_ci(recall[worst], ci['per_class'][worst].get('recall'), True)} of its windows are "
        f"recognised (sensitivity); the best is {max(recall, key=recall.get)} "
        f"({max(recall.values()):.0%})."
    )
    if len(per_patient) > 1:
        low, high = per_patient.iloc[0], per_patient.iloc[-1]
        points.append(f"<b>Per patient:</b> accuracy ranges from {low['accuracy']:.0%} (patient "
                      f"{low['patient']}) to {high['accuracy']:.0%} (patient {high['patient']}).")
    calibration = metrics["calibration"]
    text = (f"<b>Probabilities:</b> the stated probability of the predicted class is on average "
            f"{calibration['ece']:.1%} away from the observed accuracy (expected calibration error)")
    if calibration["temperature"] is not None:
        text += (f"; after temperature scaling fitted on the validation patients (T = "
                 f"{calibration['temperature']:.2f}) {calibration['ece_scaled']:.1%}")
    points.append(text + ".")
    cm = np.array(metrics["confusion_matrix"])
    confusion = commonest_error(cm, metrics["classes"])
    errors = int(cm.sum() - np.trace(cm))
    points.append(f"<b>Where it fails:</b> {errors} of {metrics['n_windows']} windows are "
                  "misclassified" + (f"; most often {confusion[0]} taken for {confusion[1]} "
                                     f"({confusion[2]} windows)" if confusion else "")
                  + '. The <a href="#failures">failure gallery</a> shows the most confident errors.')
    return points


def summary_lead(config: dict, metrics: dict, data: pd.DataFrame) -> str:
    """What was classified, how and on which patients."""
    if "folds" in metrics:
        return (
            f"An LSTM was trained {len(metrics['folds'])} times in patient-wise cross-validation: "
            f"each of the {metrics['n_windows']} windows of {int(data['patients'].sum())} patient(s) "
            f"was classified once, by the model that never saw its patient during training or "
            f"model selection, into {len(metrics['classes'])} classes: {', '.join(metrics['classes'])}. "
            "The numbers below pool the folds."
        )
    test = data[data["split"] == "test"].iloc[0]
    win = config["window"]
    return (
        f"An LSTM network sorted {metrics['n_windows']} windows of signal (each "
        f"{win['pre_ms'] + win['post_ms']:g} ms around an annotated event) into "
        f"{len(metrics['classes'])} classes: {', '.join(metrics['classes'])}. It was tested on "
        f"{int(test['patients'])} patient(s) ({int(test['records'])} record(s)) whose recordings it "
        "never saw during training or model selection."
    )


def summary_section(config: dict, metrics: dict, data: pd.DataFrame, per_patient: pd.DataFrame) -> str:
    lead = summary_lead(config, metrics, data)
    items = "".join(f"<li>{p}</li>" for p in summary_points(metrics, per_patient))
    return (f'<section id="summary"><h2>Summary</h2><div class="summary"><p>{lead}</p><ul>{items}'
            "</ul></div></section>")


def filter_settings(filt: dict) -> str:
    """The filter chain in words."""
    band = filt["bandpass_hz"]
    return "; ".join(([f"resampled to {filt['resample_hz']:g} Hz"] if filt["resample_hz"] else []) + [
        f"zero-phase Butterworth band-pass {band[0]:g}-{band[1]:g} Hz (order {filt['order']})"
        if band else "no band-pass",
        f"notch at {filt['notch_hz']:g} Hz (Q {filt['notch_q']:g})" if filt["notch_hz"] else "no notch",
        f"baseline removed by a {filt['baseline_ms']:g} ms moving median" if filt["baseline_ms"]
        else "no baseline removal",
    ] + ([f"rectified and low-passed at {filt['envelope_hz']:g} Hz (activation envelope)"]
         if filt["envelope_hz"] else []))


def split_settings(split_cfg: dict) -> str:
    """The split method in words."""
    if split_cfg["method"] != "kfold":
        return f"{split_cfg['method']}-wise, seed {split_cfg['seed']}"
    folds = split_cfg["folds"] or "leave-one-patient-out"
    val = ("the next fold's patients" if split_cfg["val_from"] == "next_fold"
           else "one record of each training patient with several")
    return (f"patient-wise cross-validation ({folds} folds, seed {split_cfg['seed']}); early stopping "
            f"on {val}")


def baseline_settings(rule: dict) -> str:
    """The fitted deflection-counting rule in words."""
    return (f"deflection-counting rule: a deflection is a falling stretch whose steepest slope "
            f"(Savitzky-Golay, {rule['smooth_ms']:g} ms) is at least {rule['slope_fraction']:g} x the "
            f"window's steepest and whose fall is at least {rule['amplitude_fraction']:g} x its "
            f"largest; 1 = single, 2 = short / long double (cut {rule['double_cut_ms']:g} ms), 3 or "
            "more = fractionated; thresholds chosen on the validation split")


def noise_settings(noise: dict) -> str:
    """The noise augmentation of training, as a clause of the methods table ('' when off)."""
    if noise["snr_db"] is None:
        return ""
    low, high = noise["snr_db"]
    return (f"; {noise['fraction']:.0%} of each training batch with band-limited white noise at "
            f"{low:g}-{high:g} dB SNR (window power over noise power)")


def methods_table(config: dict, baseline_rule: dict | None = None) -> pd.DataFrame:
    win, model, ev = config["window"], config["model"], config["evaluate"]
    events, labels = config["events"], config["annotation"]
    return pd.DataFrame([
        {"step": "events", "settings": (
            f"anchored on {events['source']}"
            + (f" every {events['step_ms']} ms" if events["source"] == "sliding" else "")
            + f"; labelled by {labels['source']} codes {dict(labels['classes'])}"
            + (f", ignoring {labels['ignore']}" if labels["ignore"] else ""))},
        {"step": "filter", "settings": filter_settings(config["filter"])},
        {"step": "window", "settings": (
            f"{win['pre_ms']} ms before to {win['post_ms']} ms after each event; channels "
            f"{win['channels']}; normalisation {win['normalize']}"
            + ("; each also minus the record's median window" if win["median_difference"] else "")
            + (f"; RR intervals, their ratios to the mean of {win['rr_local_beats']} and the median "
               f"of {win['rr_short_beats']} RR, the rhythm's irregularity and the beat's prematurity "
               "beside the LSTM" if win["rr_features"] else ""))},
        {"step": "split", "settings": split_settings(config["split"])},
        {"step": "model", "settings": (
            (f"convolutions of {model['conv_filters']} filters (kernel {model['conv_kernel']}, stride "
             f"{model['conv_stride']} samples), then " if model["conv_filters"] else "")
            + f"{model['layers']} LSTM layer(s) of {model['units']} units"
            f"{' (bidirectional)' if model['bidirectional'] else ''}, dropout {model['dropout']}, "
            "dense softmax" + premature_gate_settings(model["premature_gate"]))},
        {"step": "training", "settings": (
            f"Adam, learning rate {config['train']['learning_rate']}, batch "
            f"{config['train']['batch_size']}, up to {config['train']['epochs']} epochs, early "
            f"stopping on val loss (patience {config['train']['patience']}), class weights "
            f"{config['train']['class_weight']}"
            + (f" (at most {config['train']['max_class_weight']})"
               if config["train"]["max_class_weight"] else "")
            + noise_settings(config["train"]["noise_augmentation"]))},
        {"step": "evaluation", "settings": (
            ("each fold's test patients, pooled" if config["split"]["method"] == "kfold"
             else "test split only")
            + f"; 95% confidence intervals: percentile bootstrap over test patients "
            f"({ev['bootstrap_resamples']} resamples, seed {ev['bootstrap_seed']}); one-vs-rest ROC "
            f"and precision-recall; operating points at the most probable class and at p ≥ "
            f"{', '.join(f'{t:g}' for t in ev['thresholds'])}; calibration in "
            f"{ev['calibration_bins']} bins"
            + (", temperature scaling fitted on the validation split" if ev["temperature_scaling"]
               else ""))},
    ] + ([{"step": "baseline", "settings": baseline_settings(baseline_rule)}] if baseline_rule else []))


def premature_gate_settings(gate: dict | None) -> str:
    """The methods table's words for ``model.premature_gate`` (nothing without one)."""
    if gate is None:
        return ""
    return (f"; then {gate['class']} only for beats of prematurity {gate['min_prematurity']:g} or "
            f"more, else {gate['otherwise']}")


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


def results_section(layout: Layout, metrics: dict) -> str:
    points = pd.read_csv(layout.table("operating_points")).drop(columns="threshold")
    scope = "test folds pooled" if "folds" in metrics else "test split"
    return f"""<section id="results"><h2>Results ({scope})</h2>{_table(overall_table(metrics))}
<h3>Per class</h3><p>Sensitivity (Se): share of a class's windows recognised; positive predictive
value (+P): share of the windows called that class that are it; F1: their harmonic mean.</p>
{_table(per_class_table(metrics))}{folds_section(metrics)}
{_img(layout.confusion_png, "Confusion matrix: rows are the annotated classes, columns the "
      "predicted ones; each cell gives windows and the share of its row.")}
<h3>Discrimination</h3>{_img(layout.figure("roc_pr"), "One-vs-rest ROC and precision-recall curves; dots "
                             "mark the model's decision (the most probable class).")}
<h4>Operating points</h4><p>Each class called positive by the network's decision (argmax) or when its
probability reaches a threshold: sensitivity, specificity, positive predictive value and counts.</p>
{_table(points)}
<h3>Calibration</h3><p>Expected calibration error (ECE): window-weighted mean gap between
the stated probability and the observed accuracy; 0 is perfect.</p>
{_table(calibration_table(metrics["calibration"]))}
{_img(layout.figure("reliability"), "Reliability diagram: accuracy against confidence per bin; the "
      "diagonal is perfect calibration, points below it over-confident.")}
<h3>Per patient and per record</h3><p>Worst first, so that one poorly classified patient is
visible.</p>{_table(pd.read_csv(layout.table("per_patient")))}
{_img(layout.figure("per_patient"), "Accuracy per test patient; the dashed line is over all windows.")}
{_table(pd.read_csv(layout.table("per_record")))}
{hidden_states_section(layout)}
<h3>Training</h3>{_img(layout.curves_png, "Loss and accuracy per epoch on the train and validation "
    "splits; the model keeps the weights of the epoch with the lowest validation loss.")}
</section>"""


def hidden_states_section(layout: Layout) -> str:
    """The map of the final LSTM hidden states; absent for pooled folds, whose windows went through
    different models (each fold's map is in its folder)."""
    path = layout.figure("hidden_states")
    if not path.is_file():
        return ""
    return f"""<h3>What the network learned</h3>{_img(path, "Final LSTM hidden state of each test "
    "window in two dimensions (PCA), coloured by the annotated class; ringed windows are "
    "misclassified.")}"""


def folds_section(metrics: dict) -> str:
    """The cross-validation folds one by one; empty without folds."""
    if "folds" not in metrics:
        return ""
    return ("<h3>Per fold</h3><p>Each fold's held-out patients, classified by the model of that "
            f"fold; the pooled numbers above count every window once.</p>{_table(fold_table(metrics))}")


def tune_section(layout: Layout) -> str:
    """The hyperparameter search's trials (the methods show the selected settings); empty
    without a search."""
    if not layout.tune_table.is_file():
        return ""
    table = pd.read_csv(layout.tune_table).drop(columns="run_id")
    table["selected"] = table["selected"].map({True: "selected", False: ""})
    return ("<h3>Hyperparameter search</h3><p>Every trial trained on the training patients; the "
            "lowest validation loss (at the trial's best epoch) selected the model above. The test "
            f"patients scored only the selected trial.</p>{_table(table)}")


def sweep_section(config: dict, layout: Layout) -> str:
    """The SNR sweep's HTML section (table and figure); empty without a sweep."""
    table = sweep_results(config, layout)
    if table is None:
        return ""
    return f"""<section id="sweep"><h2>Difficulty: signal-to-noise ratio</h2>
<p>The test patients simulated again with every patient at each SNR: the same potentials, only the
white and 1/f noise differ. Neither the network nor the baseline is refitted.</p>
{_table(table.assign(**{"SNR (dB)": table["SNR (dB)"].map(snr_label)}))}
{_img(layout.figure("snr_sweep"), "Macro-F1 against SNR; noisier to the right.")}</section>"""


def maps_section(config: dict, layout: Layout) -> str:
    """The test records' maps scored against the simulator's truth (docs/maps.md); empty for
    recorded (not simulated) data."""
    truth_file = Path(config["data_dir"]) / TRUTH_FILE
    if not config["simulate"]["enabled"] or not truth_file.is_file():
        return ""
    predictions = pd.read_csv(layout.predictions, dtype={"record": str, "patient": str, "channel": str})
    scores = held_out_map_scores(config, predictions, pd.read_csv(truth_file))
    if scores.empty:
        return ""
    mapping = config["mapping"]
    return f"""<section id="maps"><h2>Maps against the truth</h2>
<p>Each test record's potentials, at their annotated activation times and with the network's
classes, turned into maps (docs/maps.md) and scored against the simulator's truth: Dice of the
electrodes marked as on a line of block (double potentials &ge; {mapping['line_share']:.0%}) and
of those touching a LAT difference &ge; {mapping['block_ms']:g} ms against the patient's true
block line; Dice of the fractionation-prone electrodes (fractionated &ge;
{mapping['zone_share']:.0%}) against the true zone; |error| of the fractionated share per
electrode, median over all electrodes and over the true zone. The activation times are the true
ones here, so the LAT error is 0 by construction.</p>
{_table(scores.drop(columns=["median_abs_lat_error_ms"]))}</section>"""


def fingerprint_table(prints: dict[str, str]) -> pd.DataFrame:
    """One row per record: the short SHA-256 of its header, signal, annotation and windows files."""
    rows: dict[str, dict] = {}
    for path, digest in prints.items():
        if path != "__all__":
            name = Path(path)
            kind = "windows" if name.suffix == ".npy" else name.suffix.lstrip(".")
            rows.setdefault(name.stem, {"record": name.stem})[kind] = digest[:12]
    return pd.DataFrame(list(rows.values()))


def provenance_section(config: dict, layout: Layout) -> str:
    prov = json.loads(layout.provenance.read_text())
    run = prov["mlflow"]
    facts = {
        "config name": html.escape(config["name"]), "data_dir": html.escape(config["data_dir"]),
        "git commit (training)": prov["git_commit"], "config hash": prov["config_hash"],
        "data fingerprint (SHA-256 of all inputs)":
            prov["data_fingerprints"]["__all__"],
        "MLflow run id": run["run_id"], "MLflow experiment id": run["experiment_id"],
        "MLflow tracking store": html.escape(run["tracking_uri"]),
        "MLflow run page": f'<a href="{html.escape(run["link"])}">{html.escape(run["link"])}</a>',
        **({"registered model": f"{html.escape(run['registered_model'])}, {html.escape(run['champion'])}"}
           if "registered_model" in run else {}),
        "generated (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
    }
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in facts.items())
    packages = pd.DataFrame(prov["packages"].items(), columns=["package", "version"])
    prints = fingerprint_table(prov["data_fingerprints"])
    return f"""<section id="provenance"><h2>Provenance</h2><table class="text">{rows}</table>
<p>With a local tracking store, the run page opens once the MLflow UI runs in the project root:
<code>mlflow ui --backend-store-uri {html.escape(run["tracking_uri"])} --host 127.0.0.1 --port 5000</code>.
</p>
<h3>Software</h3>{_table(packages, "text")}
<h3>Data fingerprints</h3><p>First 12 hex digits of the SHA-256 of each input file.</p>
{_table(prints, "text small")}
<h3>Configuration</h3><pre>{html.escape(yaml.safe_dump(config, sort_keys=False))}</pre></section>"""


def render_report(config: dict, layout: Layout) -> str:
    """The HTML text of the report; figures and evaluation outputs must exist."""
    metrics = json.loads(layout.metrics.read_text())
    data = data_table(config, layout)
    per_patient = pd.read_csv(layout.table("per_patient"), dtype={"patient": str})
    name = html.escape(config["name"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>signalrnn report: {name}</title><style>{STYLE}</style></head>
<body>
<h1>Signal classification report: {name}</h1>
{summary_section(config, metrics, data, per_patient)}
<section id="data"><h2>Data</h2>
<p>Records from <code>{html.escape(config['data_dir'])}</code>, split by patient: no patient
contributes to the test set and to training. Windows per class:</p>{_table(data)}
{dropped_section(config, layout)}</section>
<section id="methods"><h2>Methods</h2>
{_table(methods_table(selected_config(config, layout), metrics.get("baseline_rule")), "text")}
{tune_section(layout)}</section>
{results_section(layout, metrics)}
{sweep_section(config, layout)}
{maps_section(config, layout)}
<section id="failures"><h2>Failure gallery</h2><p>Misclassified test windows, the most confident
errors first, one kind of error after another: is the annotation or the network wrong?</p>
{_img(layout.figure("failures"), "Left: raw signal as recorded; right: filtered signal the network saw "
      "(before normalisation). Shaded: the window; dashed: the annotated event.")}</section>
<section id="examples"><h2>Example windows</h2>
{_img(layout.examples_png, "Filtered, normalised test windows of each class (first channel); the "
      "dashed line marks the annotated event.")}</section>
{provenance_section(config, layout)}
</body></html>
"""


def write_report(config: dict, layout: Layout) -> None:
    """Write the figures and ``report.html``."""
    write_figures(config, layout)
    layout.report.write_text(render_report(config, layout))
