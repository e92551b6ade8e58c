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
from signalrnn.data.simulate import TRUTH_FILE, montage_channel_names, simulate_record
from signalrnn.evaluation.assess import SPLIT, predict, trained_gate
from signalrnn.evaluation.baselines import predict_windows
from signalrnn.evaluation.maps import held_out_map_scores, held_out_maps
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


#: Map scores of the sweep (``evaluation.maps``), medians over the test records, and their labels.
MAP_SCORES = {"line_dice": "line Dice", "lat_block_dice": "12 ms block Dice", "zone_dice": "zone Dice",
              "median_share_error": "share error"}


def map_scores_at_level(config: dict, windows: WindowSet, predicted: np.ndarray) -> dict[str, float] | None:
    """Median map scores over the test records of the network's classes at their annotated
    activation times, against the truth (the same potentials at every SNR); None for bipolar
    montages, whose channels are not the array's electrodes that the truth maps."""
    if config["simulate"]["montage"] != "unipolar":
        return None
    predictions = windows.index[["record", "sample", "channel"]].assign(
        predicted=np.asarray(windows.classes)[predicted])
    truth = pd.read_csv(Path(config["data_dir"]) / TRUTH_FILE)
    scores = held_out_map_scores(config, held_out_maps(config, predictions, truth))
    return {key: float(scores[key].median()) for key in MAP_SCORES}


def sweep_level(config: dict, layout: Layout, snr_db: float) -> dict:
    """Metrics of the model (and of the baseline, when enabled) on the test patients at ``snr_db``,
    and the median scores of the model's maps (``map_scores_at_level``)."""
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
        predicted = probabilities.argmax(axis=1)
        result = {"snr_db": snr_db,
                  "model": classification_metrics(windows.labels, predicted, classes, SPLIT)}
        maps = map_scores_at_level(config, windows, predicted)
        if maps is not None:
            result["maps"] = maps
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
    """One row per SNR (dB, descending): macro-F1 and balanced accuracy of model and baseline, and
    the median scores of the model's maps where the sweep has them."""
    rows = [{"SNR (dB)": r["snr_db"],
             **{f"{name} {label}": r[name][key]
                for name in ("model", "baseline") if name in r
                for key, label in (("macro_f1", "macro-F1"), ("balanced_accuracy", "balanced accuracy"))},
             **{f"maps: {label}": r["maps"][key] for key, label in MAP_SCORES.items() if "maps" in r}}
            for r in results]
    return pd.DataFrame(rows).sort_values("SNR (dB)", ascending=False, ignore_index=True)
