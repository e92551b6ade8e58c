"""Activation detectors on real intracardiac recordings: detections per channel-second against the
channel's dominant frequency, and how many detections fall on the ventricular far field.

Each bipolar channel of every IAFDB record (SIGNALRNN_DATA/iafdb: 5 bipolar right-atrial
channels CS12-CS90 beside surface leads) goes through one detector, on the signal that
``signalrnn predict`` hands it with a model of configs/default.yaml:

- ``steepest``: ``data.detect.activation_samples`` with ``events.refractory_ms`` (60 ms) on the
  channel filtered as that model's windows (1-250 Hz, 50 Hz notch), the detector of unipolar
  potentials that predict used on every record before issue 20 (``--events activations``);
- ``bipolar``: ``data.detect.bipolar_activation_samples`` on the raw channel, which it filters
  itself, with the QRS complexes of the record's surface lead (``--events bipolar``).

Per record and channel it prints detections/s, the dominant frequency DF (Hz, of the raw whole
channel, ``measures.spectral.dominant_frequency``) and their ratio, and the share of detections
within 50 ms of a QRS complex against that share by chance (the share of the record within 50
ms of a QRS): a detector that counts the ventricular far field has many more detections near
QRS than chance. QRS complexes are found on lead II (else the first surface lead) by
``data.detect.surface_qrs_samples``, which the bipolar detector is also given. Then the
share of channel-recordings within +-25 % of DF (issue 20's goal: at least 90 %).

IAFDB's rhythm labels (AF / flutter, in the headers) are not read.

    SIGNALRNN_DATA=<folder holding iafdb/> python benchmarks/bench_detect_iafdb.py [--detector steepest]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
from common import ROOT

from signalrnn.config.load import load_config
from signalrnn.data.detect import activation_samples, bipolar_activation_samples, surface_qrs_samples
from signalrnn.io.records import read_record
from signalrnn.measures.spectral import dominant_frequency
from signalrnn.predict import is_surface_lead, qrs_lead
from signalrnn.preprocessing.filters import preprocess

NEAR_QRS_MS = 50.0
TOLERANCE = 0.25


def record_qrs(raw: np.ndarray, channels: list[str], fs_hz: float) -> np.ndarray:
    """QRS samples of the record's surface lead (``predict.qrs_lead``); none without one."""
    lead = qrs_lead(channels)
    if lead is None:
        return np.zeros(0, dtype=int)
    return surface_qrs_samples(raw[:, channels.index(lead)], fs_hz)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detector", choices=("steepest", "bipolar"), default="bipolar")
    args = parser.parse_args()
    folder = Path(os.environ.get("SIGNALRNN_DATA", "")) / "iafdb"
    if not folder.is_dir():
        print("IAFDB: skipped (set SIGNALRNN_DATA to the folder that holds iafdb/)")
        return 0
    config = load_config(ROOT / "configs/default.yaml")
    settings = {**config["filter"], "flat_ms": None}
    print(f"detector {args.detector}; filter of configs/default.yaml {config['filter']}")
    print(f"{'record':10} {'channel':7} {'det/s':>6} {'DF Hz':>6} {'ratio':>6} {'nearQRS':>8} {'chance':>7}")
    ratios, near_shares, chance_shares = [], [], []
    for header in sorted(folder.glob("*.hea")):
        record = read_record(folder, header.stem)
        raw = np.nan_to_num(np.asarray(record.signal, dtype=float))
        fs, seconds = record.fs_hz, len(raw) / record.fs_hz
        filtered = preprocess(raw, fs, settings).signal
        qrs = record_qrs(raw, record.channels, fs)
        near, half = np.zeros(len(raw), dtype=bool), round(NEAR_QRS_MS * fs / 1000)
        for sample in qrs:
            near[max(0, sample - half):sample + half + 1] = True
        for i, channel in enumerate(record.channels):
            if is_surface_lead(channel):
                continue
            if args.detector == "steepest":  # on the signal as the model sees it, as predict does
                found = activation_samples(np.nan_to_num(filtered[:, i]), fs,
                                           config["events"]["refractory_ms"])
            else:  # on the raw channel, which it filters itself, as predict does
                found = bipolar_activation_samples(raw[:, i], fs, qrs)
            rate, df_hz = len(found) / seconds, dominant_frequency(raw[:, i], fs)
            ratios.append(rate / df_hz)
            share = float(near[found].mean()) if len(found) and near.any() else float("nan")
            if near.any():
                near_shares.append(share)
                chance_shares.append(float(near.mean()))
            print(f"{header.stem:10} {channel:7} {rate:6.2f} {df_hz:6.2f} {rate / df_hz:6.2f} {share:8.2f} "
                  f"{near.mean():7.2f}", flush=True)
    ratios = np.asarray(ratios)
    within = np.abs(ratios - 1) <= TOLERANCE
    print(f"\n{args.detector}: {within.sum()} of {len(ratios)} channel-recordings ({within.mean():.1%}) "
          f"within +-{TOLERANCE:.0%} of DF; ratio detections/DF median {np.median(ratios):.2f}, "
          f"quartiles {np.percentile(ratios, 25):.2f}-{np.percentile(ratios, 75):.2f}")
    print(f"detections within {NEAR_QRS_MS:g} ms of a QRS: mean share {np.nanmean(near_shares):.3f} against "
          f"{np.mean(chance_shares):.3f} by chance ({len(near_shares)} channel-recordings with QRS found)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
