"""How right the maps are: simulated records scored against their truth (signalrnn.evaluation.maps).

Patients of configs/default.yaml's simulator on a small array (``--array``, 10 s each), at the
default SNR and again at ``--snr-db`` (same potentials, other noise). Four estimates of each
record's potentials, each mapped and scored against the truth:

- ``oracle``: the true activation times and classes (what the mapping itself loses: sampling of
  the shares, the wavefront grouping);
- ``detector+true``: activations found by the detector predict uses
  (``data.detect.activation_samples`` on the record filtered as in the config), each given the
  class of the true potential it falls on (within ``MATCH_MS`` of its first to last deflection;
  unmatched detections dropped): what the activation times cost;
- ``detector@onset``: the same detections, each moved to the onset (first deflection) of the
  true potential it falls on, with its true class: what choosing the steepest deflection as the
  activation time costs against the simulator's truth, which times a double potential at its
  first deflection (the detection set itself unchanged);
- ``detector+rule``: the same detections classified by the deflection-counting rule
  (``evaluation.baselines``), fitted on patient 1's detections (labelled by their true
  potentials) at the default SNR and scored on the other patients only: a whole pipeline
  without the network;
- ``detector+lstm`` (with ``--train-epochs`` > 0): the same detections classified by a network
  of the default architecture trained for that many epochs on patient 1's labelled detections
  only (balanced class weights, no augmentation, no validation split): a briefly trained
  stand-in, not the project's model, whose test figures come from the default workflow's
  report (section "Maps against the truth").

    python benchmarks/bench_maps.py [--patients 6] [--array 8 8] [--snr-db 10] [--train-epochs 8]
                                    [--seed 2026]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from common import ROOT

from signalrnn.config.load import load_config, validate_config
from signalrnn.data.detect import activation_samples
from signalrnn.data.simulate import TRUTH_FILE, channel_names, record_numbers, simulate_dataset
from signalrnn.evaluation.baselines import fit_rule
from signalrnn.evaluation.baselines import predict as rule_predict
from signalrnn.evaluation.maps import SCORES, score_record, true_potentials
from signalrnn.io.records import read_record
from signalrnn.mapping.geometry import layout_from_config
from signalrnn.preprocessing.filters import preprocess
from signalrnn.preprocessing.window import extract_windows, inside_record, normalize, window_samples

FIT_PATIENT = 1
MATCH_MS = 15.0  # a detection this close to a true potential's deflections (ms) is that potential
CLASSES = ["single", "short_double", "long_double", "fractionated"]
GOALS = {"median_abs_lat_error_ms": ("<=", 2.0), "line_dice": (">=", 0.7), "zone_dice": (">=", 0.7),
         "median_share_error": ("<=", 0.1)}


def matching(onsets_ms: np.ndarray, spans_ms: np.ndarray, times_ms: np.ndarray) -> np.ndarray:
    """For each of ``times_ms``, the true potential (index into the sorted ``onsets_ms``) whose
    deflections, from its onset to onset + span, it falls within MATCH_MS of; -1 if none."""
    if not len(onsets_ms):
        return np.full(len(times_ms), -1)
    before = np.searchsorted(onsets_ms, times_ms + MATCH_MS, side="right") - 1
    ok = (before >= 0) & (times_ms - onsets_ms[np.clip(before, 0, None)]
                          <= spans_ms[np.clip(before, 0, None)] + MATCH_MS)
    return np.where(ok, before, -1)


def detections(config: dict, folder: Path, record: str,
               truth: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Detected activations of every channel (channel, activation_ms, true_class and true_onset_ms:
    the class and the activation time of the true potential they fall on (``matching``), empty
    and NaN if none) and their normalised filtered windows. ``truth``: the record's rows of
    truth.csv with channel names."""
    signal = read_record(folder, record)
    filtered = preprocess(signal.signal.astype(float), signal.fs_hz, config["filter"]).signal
    n_pre, n_post = window_samples(signal.fs_hz, config["window"]["pre_ms"], config["window"]["post_ms"])
    rows, windows = [], []
    for i, channel in enumerate(signal.channels):
        found = activation_samples(filtered[:, i], signal.fs_hz, config["events"]["refractory_ms"])
        found = found[inside_record(found, n_pre, n_post, len(filtered))]
        own = truth[truth["channel"] == channel].sort_values("activation_ms")
        times_ms = found * 1000.0 / signal.fs_hz
        which = matching(own["activation_ms"].to_numpy(), own["interval_ms"].to_numpy(), times_ms)
        classes = np.append(own["class"].to_numpy(str), "")[which]  # index -1: the appended ""
        onsets = np.append(own["activation_ms"].to_numpy(float), np.nan)[which]
        rows.append(pd.DataFrame({"channel": channel, "activation_ms": times_ms, "true_class": classes,
                                  "true_onset_ms": onsets}))
        windows.append(extract_windows(filtered, found, np.full((len(found), 1), i), n_pre, n_post))
    return (pd.concat(rows, ignore_index=True),
            normalize(np.concatenate(windows), config["window"]["normalize"]))


def brief_network(config: dict, windows: np.ndarray, labels: np.ndarray, epochs: int):
    """A network of the config's architecture trained ``epochs`` epochs on ``windows``, ``labels``."""
    import keras
    from sklearn.utils.class_weight import compute_class_weight

    from signalrnn.model.build import build_model

    keras.utils.set_random_seed(config["train"]["seed"])
    network = build_model(windows.shape[1], windows.shape[2], len(CLASSES), config["model"],
                          config["train"]["learning_rate"])
    present = np.unique(labels)
    weights = dict(zip(present.tolist(), compute_class_weight("balanced", classes=present, y=labels),
                       strict=True))
    start = time.perf_counter()
    history = network.fit(windows, labels, batch_size=config["train"]["batch_size"], epochs=epochs,
                          class_weight=weights, verbose=0)
    print(f"network trained {epochs} epochs on {len(labels)} windows in {time.perf_counter() - start:.0f} s, "
          f"final training loss {history.history['loss'][-1]:.3f}", flush=True)
    return network


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=6,
                        help="simulated patients (patient 1 fits the rule and is not scored)")
    parser.add_argument("--array", type=int, nargs=2, default=[8, 8], help="rows columns")
    parser.add_argument("--duration-s", type=float, default=10.0)
    parser.add_argument("--snr-db", type=float, default=10.0, help="the second, noisier level")
    parser.add_argument("--train-epochs", type=int, default=8, help="epochs of detector+lstm; 0: none")
    parser.add_argument("--seed", type=int, help="simulator seed (default: configs/default.yaml's)")
    args = parser.parse_args()
    base = load_config(ROOT / "configs" / "default.yaml")
    levels = [base["simulate"]["snr_db"], args.snr_db]
    results, rule, network = [], None, None
    with tempfile.TemporaryDirectory() as tmp:
        for snr_db in levels:
            config = validate_config({**base, "simulate": {
                **base["simulate"], "n_patients": args.patients, "records_per_patient": 1,
                "duration_s": args.duration_s, "array_shape": args.array, "snr_db": snr_db,
                "seed": base["simulate"]["seed"] if args.seed is None else args.seed}})
            sim, folder = config["simulate"], Path(tmp) / f"snr{snr_db:g}"
            start = time.perf_counter()
            simulate_dataset(sim, folder)
            truth_all = pd.read_csv(folder / TRUTH_FILE)
            layout = layout_from_config(config["mapping"], sim)
            for record in sorted(truth_all["record"].unique()):
                truth = true_potentials(truth_all, record, sim)
                own = truth_all[truth_all["record"] == record]
                found, windows = detections(config, folder, record, truth.assign(
                    interval_ms=own["interval_ms"].to_numpy(float)))
                if record_numbers(record)[0] == FIT_PATIENT:  # fits the rule (default SNR), never scored
                    if rule is None:
                        labelled = found["true_class"] != ""
                        labels = np.array([CLASSES.index(c) for c in found.loc[labelled, "true_class"]])
                        rule = fit_rule(windows[labelled.to_numpy()], labels, sim["fs_hz"], CLASSES,
                                        sim["double_cut_ms"])
                        print(f"rule fitted on {record} at {snr_db:g} dB ({int(labelled.sum())} "
                              f"detections): {rule}")
                        if args.train_epochs:
                            network = brief_network(config, windows[labelled.to_numpy()], labels,
                                                    args.train_epochs)
                    continue
                matched = found[found["true_class"] != ""]
                estimates = {
                    "oracle": truth,
                    "detector+true": matched.assign(**{"class": matched["true_class"]}),
                    "detector@onset": matched.assign(**{"class": matched["true_class"],
                                                        "activation_ms": matched["true_onset_ms"]}),
                    "detector+rule": found.assign(**{"class": np.asarray(CLASSES)[
                        rule_predict(windows, sim["fs_hz"], rule, CLASSES)]}),
                }
                if network is not None:
                    predicted = network.predict(windows, batch_size=256, verbose=0).argmax(axis=1)
                    estimates["detector+lstm"] = found.assign(**{"class": np.asarray(CLASSES)[predicted]})
                for name, potentials in estimates.items():
                    scores = score_record(potentials[["channel", "activation_ms", "class"]], truth_all, sim,
                                          record, layout, config["mapping"])
                    results.append({"snr_db": snr_db, "estimate": name, "record": record, **scores,
                                    "potentials": len(potentials)})
                print(f"{snr_db:g} dB {record}: {len(truth)} true potentials, {len(found)} detections, "
                      f"{len(matched)} on one (within {MATCH_MS:g} ms)", flush=True)
            print(f"{snr_db:g} dB: simulated and scored in {time.perf_counter() - start:.1f} s", flush=True)
    table = pd.DataFrame(results)
    pd.set_option("display.width", 200)
    print(f"\nper record ({args.array[0]} x {args.array[1]} array, {args.duration_s:g} s, "
          f"{channel_names(args.array)[0]}..{channel_names(args.array)[-1]}):")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    groups = table.groupby(["snr_db", "estimate"], sort=False)[list(SCORES)]
    for how in ("median", "mean"):
        print(f"\n{how} over the {table['record'].nunique()} scored records (patients 2 ..):")
        print(getattr(groups, how)().to_string(float_format=lambda v: f"{v:.3f}"))
    print("\ngoals: " + ", ".join(f"{k} {op} {v:g}" for k, (op, v) in GOALS.items()))


if __name__ == "__main__":
    main()
