"""Prediction throughput (windows / s): ``signalrnn predict`` on a record against a bare
``model.predict`` on the same number of windows held in memory.

predict's time includes everything: reading the record in blocks, filtering, windowing,
normalising, the model, and writing the CSV and WFDB annotations. Both use an untrained model of
configs/default.yaml's architecture (weights do not change the work) on one simulated record of
configs/default.yaml's electrode array at 1 kHz with its own annotations as events. The model
is warmed up on a full and a partial batch first; each side then runs ``--repeats`` times,
interleaved, and the benchmark prints the median and range of each and of the run-by-run ratio
(throughput on a shared 2-core machine varies by a third between runs).

Also interleaved: the I/O floor, merely reading the record and its annotations with wfdb and
running one scipy ``sosfiltfilt`` (the config's band-pass) over it, as in bench_preprocess.py.
No predict can take less than the bare model plus this floor; the last line puts predict against
that sum.

    python benchmarks/bench_predict.py [--minutes 5] [--batch-size 256] [--repeats 5]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import keras
import numpy as np
import pandas as pd
import wfdb
from scipy import signal

from signalrnn.config import load_config
from signalrnn.model import build_model
from signalrnn.predict import TrainedModel, predict_record
from signalrnn.simulate import simulate_dataset
from signalrnn.train import model_metadata
from signalrnn.window import window_samples

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=5, help="interleaved runs of each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = load_config(ROOT / "configs/default.yaml") | {"data_dir": str(folder)}
        config["simulate"] |= {"n_patients": 3, "duration_s": args.minutes * 60}
        with contextlib.redirect_stdout(io.StringIO()):
            simulate_dataset(config, folder)
        fs_hz = config["simulate"]["fs_hz"]
        length = sum(window_samples(fs_hz, config["window"]["pre_ms"], config["window"]["post_ms"]))
        windows = SimpleNamespace(shape=(length, 1), n_features=0,
                                  index=pd.DataFrame({"record": ["p01_r1"], "fs_hz": [fs_hz]}))
        model = build_model(length, 1, len(config["annotation"]["classes"]), config["model"], 1e-3)
        trained = TrainedModel(model, json.loads(json.dumps(model_metadata(config, windows))))
        # warm-up: a full and a partial batch, so that neither side pays for tracing
        model.predict(np.zeros((args.batch_size + 1, length, 1), np.float32), verbose=0)
        in_memory = None
        pipeline, bare, floor = [], [], []
        for _ in range(args.repeats):  # interleaved: every side sees the same machine load
            start = time.perf_counter()
            read_and_filter(folder / "p01_r1", config)
            floor.append(time.perf_counter() - start)
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                table = predict_record(trained, folder / "p01_r1", folder / "out", "annotations")
            pipeline.append(len(table) / (time.perf_counter() - start))
            if in_memory is None:
                in_memory = np.random.default_rng(0).normal(size=(len(table), length, 1)).astype(np.float32)
            start = time.perf_counter()
            model.predict(in_memory, batch_size=args.batch_size, verbose=0)
            bare.append(len(table) / (time.perf_counter() - start))
    ratios = np.array(pipeline) / np.array(bare)
    floor_share = np.array(floor) * np.array(bare) / len(table)  # floor time / bare model time
    n_channels = int(np.prod(config["simulate"]["array_shape"]))
    print(f"backend {keras.backend.backend()}, {args.minutes:g} min record, {n_channels} channels at "
          f"{fs_hz:g} Hz, {len(table)} windows of {length} x 1, batch {args.batch_size}, "
          f"{args.repeats} interleaved runs each (median, range)")
    print(f"  bare model.predict (windows in memory)  {np.median(bare):8.0f} windows/s "
          f"({min(bare):.0f}-{max(bare):.0f})")
    print(f"  signalrnn predict (record -> files)     {np.median(pipeline):8.0f} windows/s "
          f"({min(pipeline):.0f}-{max(pipeline):.0f})")
    print(f"  predict / bare, run by run              {np.median(ratios):8.2f} "
          f"({ratios.min():.2f}-{ratios.max():.2f})")
    print(f"  floor: read + rdann + sosfiltfilt       {np.median(floor):8.2f} s, "
          f"{np.median(floor_share):.2f} of the bare model's time "
          f"({floor_share.min():.2f}-{floor_share.max():.2f})")
    print(f"  predict / (bare with the floor added)   {np.median(ratios * (1 + floor_share)):8.2f} "
          f"(bare with the floor: {np.median(1 / (1 + floor_share)):.2f} of bare)")

def read_and_filter(path: Path, config: dict) -> None:
    """The I/O floor: read the record and its annotations, one zero-phase band-pass over it."""
    sos = signal.butter(config["filter"]["order"], config["filter"]["bandpass_hz"], "bandpass",
                        fs=config["simulate"]["fs_hz"], output="sos")
    wfdb.rdann(str(path), config["annotation"]["extension"])
    signal.sosfiltfilt(sos, wfdb.rdrecord(str(path)).p_signal, axis=0)


if __name__ == "__main__":
    main()
