"""A self-contained HTML report (images embedded) for clinical review of one experiment."""

from __future__ import annotations

import base64
import html
import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import yaml

from signalrnn import __version__
from signalrnn.dataset import WindowSet
from signalrnn.layout import Layout
from signalrnn.plots import example_windows_figure, training_curves_figure
from signalrnn.split import split_folds
from signalrnn.tracking import git_commit
from signalrnn.train import class_names, split_windows

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem;
text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
img{max-width:100%;page-break-inside:avoid}.summary{background:#f5f8fc;border-left:4px solid #3a6ea5;
padding:.6rem 1rem}pre{background:#f7f7f7;padding:.6rem;overflow-x:auto;font-size:.85rem}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}}
"""


def _img(path) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, border=0, float_format=lambda v: f"{v:.3f}")


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
        counts = split_windows(config, part_layout, name).index["label"].value_counts()
        rows.append({**key, "patients": part["patient"].nunique(), "records": len(part),
                     **{c: int(counts.get(c, 0)) for c in class_names(config)},
                     "windows": int(counts.sum())})
    return pd.DataFrame(rows)


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
        return split_windows(config, layout, "test")
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
    """Training curves and example test windows of each class, as PNG files."""
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


def summary_sentence(config: dict, metrics: dict, data: pd.DataFrame) -> str:
    if "folds" in metrics:
        return (
            f"An LSTM was trained {len(metrics['folds'])} times in patient-wise cross-validation: "
            f"each of the {metrics['n_windows']} windows of {int(data['patients'].sum())} patient(s) "
            f"was classified once, by the model that never saw its patient during training or "
            f"model selection, into {len(metrics['classes'])} classes ({', '.join(metrics['classes'])}). "
            f"Pooled over the folds, the balanced accuracy was "
            f"<b>{metrics['balanced_accuracy']:.1%}</b> and the macro-F1 <b>{metrics['macro_f1']:.3f}</b> "
            f"(accuracy {metrics['accuracy']:.1%})."
        )
    test = data[data["split"] == "test"].iloc[0]
    return (
        f"An LSTM classified {metrics['n_windows']} windows of {int(test['patients'])} held-out "
        f"patient(s) ({int(test['records'])} record(s)) into {len(metrics['classes'])} classes "
        f"({', '.join(metrics['classes'])}). On this <b>test split</b> it reached a balanced "
        f"accuracy of <b>{metrics['balanced_accuracy']:.1%}</b> and a macro-F1 of "
        f"<b>{metrics['macro_f1']:.3f}</b> (accuracy {metrics['accuracy']:.1%}). The model never saw "
        "these patients during training or model selection."
    )


def split_settings(split_cfg: dict) -> str:
    """The split method in words."""
    if split_cfg["method"] != "kfold":
        return f"{split_cfg['method']}-wise, seed {split_cfg['seed']}"
    folds = split_cfg["folds"] or "leave-one-patient-out"
    val = ("the next fold's patients" if split_cfg["val_from"] == "next_fold"
           else "one record of each training patient with several")
    return (f"patient-wise cross-validation ({folds} folds, seed {split_cfg['seed']}); early stopping "
            f"on {val}")


def render_report(config: dict, layout: Layout) -> str:
    """The HTML text of the report; figures must exist (see ``write_figures``)."""
    metrics = json.loads(layout.metrics.read_text())
    data = data_table(config, layout)
    run_id = json.loads(layout.mlflow_run.read_text())["run_id"]
    per_class = pd.DataFrame(
        [{"class": c, **v} for c, v in metrics["per_class"].items()]
    )
    scope = "test folds pooled" if "folds" in metrics else metrics["split"]
    overall = pd.DataFrame([{"split": scope, "windows": metrics["n_windows"],
                             "accuracy": metrics["accuracy"],
                             "balanced accuracy": metrics["balanced_accuracy"],
                             "macro-F1": metrics["macro_f1"]}])
    filt, win, model = config["filter"], config["window"], config["model"]
    events, labels = config["events"], config["annotation"]
    methods = pd.DataFrame([
        {"step": "events", "settings": (
            f"anchored on {events['source']}"
            + (f" every {events['step_ms']} ms" if events["source"] == "sliding" else "")
            + f"; labelled by {labels['source']} codes {dict(labels['classes'])}"
            + (f", ignoring {labels['ignore']}" if labels["ignore"] else ""))},
        {"step": "filter", "settings": (
            (f"resampled to {filt['resample_hz']} Hz; " if filt["resample_hz"] else "")
            + f"zero-phase Butterworth band-pass {filt['bandpass_hz']} Hz (order {filt['order']}); "
            f"notch {filt['notch_hz']} Hz (Q {filt['notch_q']}); baseline median "
            f"{filt['baseline_ms']} ms"
            + (f"; rectified and low-passed at {filt['envelope_hz']} Hz (activation envelope)"
               if filt["envelope_hz"] else ""))},
        {"step": "window", "settings": (
            f"{win['pre_ms']} ms before to {win['post_ms']} ms after each event; channels "
            f"{win['channels']}; normalisation {win['normalize']}"
            + ("; each also minus the record's median window" if win["median_difference"] else "")
            + (f"; RR intervals and their ratios to the mean of {win['rr_local_beats']} RR beside "
               "the LSTM" if win["rr_features"] else ""))},
        {"step": "split", "settings": split_settings(config["split"])},
        {"step": "model", "settings": (
            (f"convolutions of {model['conv_filters']} filters (kernel {model['conv_kernel']}, stride "
             f"{model['conv_stride']} samples), then " if model["conv_filters"] else "")
            + f"{model['layers']} LSTM layer(s) of {model['units']} units"
            f"{' (bidirectional)' if model['bidirectional'] else ''}, dropout {model['dropout']}, "
            "dense softmax")},
        {"step": "training", "settings": (
            f"Adam, learning rate {config['train']['learning_rate']}, batch "
            f"{config['train']['batch_size']}, up to {config['train']['epochs']} epochs, early "
            f"stopping on val loss (patience {config['train']['patience']}), class weights "
            f"{config['train']['class_weight']}"
            + (f" (at most {config['train']['max_class_weight']})"
               if config["train"]["max_class_weight"] else ""))},
    ])
    provenance = {
        "config name": config["name"], "data_dir": config["data_dir"],
        "git commit": git_commit(), "signalrnn version": __version__,
        "MLflow run id": run_id, "MLflow tracking": config["mlflow"]["tracking_uri"],
        "generated (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
    }
    prov_rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                        for k, v in provenance.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>signalrnn report: {html.escape(config['name'])}</title><style>{STYLE}</style></head>
<body>
<h1>Electrogram classification report: {html.escape(config['name'])}</h1>
<section id="summary"><h2>Summary</h2><p class="summary">{summary_sentence(config, metrics, data)}</p>
</section>
<section id="data"><h2>Data</h2>
<p>Records from <code>{html.escape(config['data_dir'])}</code>, split by patient: no patient
contributes to the test set and to training. Windows per class:</p>{_table(data)}</section>
<section id="methods"><h2>Methods</h2>{_table(methods)}</section>
<section id="results"><h2>Results ({scope})</h2>{_table(overall)}
<h3>Per class</h3><p>Precision is the positive predictive value (+P), recall the sensitivity
(Se).</p>{_table(per_class)}{_folds_section(metrics)}
<h3>Confusion matrix</h3>{_img(layout.confusion_png)}
<h3>Training curves</h3><p>Loss and accuracy per epoch on the train and validation splits;
training stopped early when the validation loss stopped improving.</p>{_img(layout.curves_png)}
</section>
<section id="examples"><h2>Example windows</h2><p>Filtered, normalised test windows of each
class (first channel); the dashed line marks the annotated event.</p>{_img(layout.examples_png)}
</section>
<section id="provenance"><h2>Provenance</h2><table>{prov_rows}</table>
<h3>Configuration</h3><pre>{html.escape(yaml.safe_dump(config, sort_keys=False))}</pre></section>
</body></html>
"""


def _folds_section(metrics: dict) -> str:
    if "folds" not in metrics:
        return ""
    return ("<h3>Per fold</h3><p>Each fold's held-out patients, classified by the model of that "
            f"fold; the pooled figures above count every window once.</p>{_table(fold_table(metrics))}")


def write_report(config: dict, layout: Layout) -> None:
    """Write the figures and ``report.html``."""
    write_figures(config, layout)
    layout.report.write_text(render_report(config, layout))
