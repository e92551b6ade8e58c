"""SNR sweep: the test patients simulated again at another noise level, scored by model and rule.

Every simulated record has its own random streams, so a test record simulated again at another
``simulate.snr_db`` (with no spread between patients) keeps its potentials, wander, mains and
far field: only the white and 1/f noise is scaled. The records go through the same filter and
windowing as the test split (in a temporary folder) and are scored by the trained model and by
the baseline rule as fitted on the validation split (read from metrics.json), so the levels
differ in noise alone.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from signalrnn.config.load import class_names
from signalrnn.data.annotate import EVENT_COLUMNS, label_codes
from signalrnn.data.simulate import montage_channel_names, simulate_record
from signalrnn.evaluation.assess import SPLIT, predict, trained_gate
from signalrnn.evaluation.baselines import predict_windows
from signalrnn.evaluation.metrics import classification_metrics
from signalrnn.io.layout import Layout
from signalrnn.io.records import patient_of
from signalrnn.model.metadata import load_model
from signalrnn.preprocessing.dataset import WindowSet
from signalrnn.preprocessing.filters import preprocess
from signalrnn.preprocessing.window import window_record


def window_simulated(config: dict, record: str, out_dir: Path) -> None:
    """Simulate ``record`` with ``config["simulate"]``, filter it and write its windows to ``out_dir``."""
    sim = config["simulate"]
    signal, truth = simulate_record(sim, record)
    channels = montage_channel_names(sim)
    codes = truth["class"].tolist()
    events = pd.DataFrame({
        "record": record, "patient": patient_of(record, config["patient_regex"]),
        "sample": truth["sample"], "channel": np.array(channels)[truth["channel"]],
        "code": codes, "label": label_codes(codes, config["annotation"], record),
    })[EVENT_COLUMNS].dropna(subset=["label"]).reset_index(drop=True)
    filtered = preprocess(signal, sim["fs_hz"], config["filter"])
    index, _ = window_record(filtered.signal, filtered.fs_hz, channels, events, config["window"],
                             out_dir / f"{record}.npy", record_fs_hz=sim["fs_hz"])
    index.to_csv(out_dir / f"{record}.csv", index=False)


def sweep_level(config: dict, layout: Layout, snr_db: float) -> dict:
    """Metrics of the model (and of the baseline, when enabled) on the test patients at ``snr_db``."""
    at_level = copy.deepcopy(config)
    at_level["simulate"].update(snr_db=snr_db, snr_spread_db=0)
    split = pd.read_csv(layout.split)
    records = split.loc[split["split"] == SPLIT, "record"].tolist()
    classes = class_names(config)
    with tempfile.TemporaryDirectory() as folder:
        for record in records:
            window_simulated(at_level, record, Path(folder))
        windows = WindowSet(folder, records, classes)
        probabilities, _ = predict(load_model(layout.model), windows, config["train"]["batch_size"],
                                   trained_gate(layout))
        result = {"snr_db": snr_db, "model": classification_metrics(
            windows.labels, probabilities.argmax(axis=1), classes, SPLIT)}
        if config["baseline"]["enabled"]:
            rule = json.loads(layout.metrics.read_text())["baseline_rule"]
            result["baseline"] = classification_metrics(windows.labels, predict_windows(windows, rule),
                                                        classes, SPLIT)
    summary = ", ".join(f"{name} macro-F1 {result[name]['macro_f1']:.3f}"
                        for name in ("model", "baseline") if name in result)
    print(f"sweep: {snr_db:g} dB, {len(windows)} windows of {len(records)} test records: {summary}",
          flush=True)
    return result


def sweep_table(results: list[dict]) -> pd.DataFrame:
    """One row per SNR (dB, descending): macro-F1 and balanced accuracy of model and baseline."""
    rows = [{"SNR (dB)": r["snr_db"],
             **{f"{name} {label}": r[name][key]
                for name in ("model", "baseline") if name in r
                for key, label in (("macro_f1", "macro-F1"), ("balanced_accuracy", "balanced accuracy"))}}
            for r in results]
    return pd.DataFrame(rows).sort_values("SNR (dB)", ascending=False, ignore_index=True)
