"""The report's words: the plain-language summary and the methods in sentences.

Summary sentences are HTML fragments (bold figures, a link to the failure gallery); everything
else is plain text that the templates escape.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from signalrnn.evaluation.metrics import commonest_error
from signalrnn.evaluation.uncertainty import BOOTSTRAP, FEW_PATIENTS

HEADLINE_WIDTH = 0.05  # a wider interval of the headline macro-F1 gets a sentence on why


def _with_ci(value: float, interval: list[float] | None, percent: bool = False) -> str:
    """``0.830 (95% CI 0.750 to 0.900)``, or as percentages; just the value without an interval."""
    fmt = (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:.3f}")
    return fmt(value) + (f" (95% CI {fmt(interval[0])} to {fmt(interval[1])})" if interval else "")


def summary_points(metrics: dict, per_patient: pd.DataFrame) -> list[str]:
    """The findings in plain language, one HTML sentence or two each."""
    ci = metrics["ci"] or {"per_class": {c: {} for c in metrics["classes"]}}
    n_patients = metrics["n_patients"]
    if not metrics["ci"]:
        spread = "With a single test patient no confidence interval can be given."
    elif metrics["ci"].get("method", BOOTSTRAP) == BOOTSTRAP:  # older metrics.json: bootstrap, unnamed
        spread = (f"The ranges are 95% confidence intervals from resampling the {n_patients} test "
                  f"patients {metrics['ci']['n_resamples']} times.")
    else:
        spread = (f"The ranges are 95% confidence intervals over the {n_patients} test patients, from "
                  f"leaving out one patient at a time (jackknife, Student's t): below {FEW_PATIENTS} "
                  "patients, resampling them would give intervals too narrow.")
    headline = (metrics["ci"] or {}).get("macro_f1")
    if headline and headline[1] - headline[0] > HEADLINE_WIDTH:
        spread += (f" The macro-F1 interval is {headline[1] - headline[0]:.3f} wide: {n_patients} "
                   "patients are too few, or too unlike each other, to pin the figure down more closely.")
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
            + f"; 95% confidence intervals over test patients: below {FEW_PATIENTS} patients the "
            "delete-one-patient jackknife with Student's t (G - 1 degrees of freedom), else a "
            f"percentile bootstrap ({ev['bootstrap_resamples']} resamples, seed {ev['bootstrap_seed']}); "
            "one-vs-rest ROC "
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
