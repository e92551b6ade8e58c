"""Prediction throughput (windows / s): ``signalrnn predict`` against a bare ``model.predict`` on
the same number of windows held in memory, and against the I/O floor.

predict's time includes everything: reading the records in blocks, filtering, windowing,
normalising, the model, and writing the CSV and WFDB annotations. Both sides use an untrained
model of the config's architecture (``predict.untrained_model``: weights do not change the work),
the records' own annotations as events, and the model warmed up on a full and a partial batch.
The I/O floor is merely reading each record and its annotations with wfdb and running one scipy
``sosfiltfilt`` (the config's band-pass) over it, as in bench_preprocess.py: no predict can take
less than the bare model plus this floor.

Two cases: one simulated 5 min record of configs/default.yaml's electrode array (16 channels at
1 kHz); and, with SIGNALRNN_DATA set, the 22 MIT-BIH DS1 records (30 min, 360 Hz) with
configs/mitdb.yaml (beats, RR features, median beat). Each side runs ``--repeats`` times,
interleaved, and the benchmark prints the median and range of each and of the run-by-run ratios
(throughput on a shared 2-core machine varies by a third between runs).

    [SIGNALRNN_DATA=<folder holding mitdb-ds1/>] python benchmarks/bench_predict.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
import wfdb
from common import ROOT
from scipy import signal

from signalrnn.config.load import load_config
from signalrnn.data.simulate import simulate_dataset
from signalrnn.predict import TrainedModel, predict_record, untrained_model

BATCH_SIZE = 256  # predict's own batch size (predict.classify)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="interleaved runs of each side")
    args = parser.parse_args()
    print(f"backend {keras.backend.backend()}, batch {BATCH_SIZE}, {args.repeats} interleaved runs "
          "of each side (median, range)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = load_config(ROOT / "configs/default.yaml") | {"data_dir": str(folder / "sim")}
        config["simulate"] |= {"n_patients": 3, "duration_s": 300.0}
        with contextlib.redirect_stdout(io.StringIO()):
            simulate_dataset(config["simulate"], folder / "sim")
        compare("simulated, 1 record of 5 min, 16 channels at 1 kHz", config, [folder / "sim/p01_r1"],
                folder / "out", args.repeats)
        data = Path(os.environ.get("SIGNALRNN_DATA", "")) / "mitdb-ds1"
        if not data.is_dir():
            print("MIT-BIH DS1: skipped (set SIGNALRNN_DATA to the folder that holds mitdb-ds1/)")
            return
        config = load_config(ROOT / "configs/mitdb.yaml") | {"data_dir": str(data)}
        compare("MIT-BIH DS1, 22 records of 30 min at 360 Hz, configs/mitdb.yaml", config,
                sorted(p.with_suffix("") for p in data.glob("*.hea")), folder / "out", args.repeats)


def compare(title: str, config: dict, records: list[Path], out: Path, repeats: int) -> None:
    """Time predict, the bare model and the I/O floor over ``records``, interleaved; print them."""
    trained = untrained_model(config, records[0])
    trained.model.predict(model_inputs(trained, BATCH_SIZE + 1), verbose=0)  # traced for both sizes
    in_memory, n_windows = None, 0
    pipeline, bare, floor = [], [], []
    for _ in range(repeats):  # interleaved: every side sees the same machine load
        start = time.perf_counter()
        for record in records:
            read_and_filter(record, config)
        floor.append(time.perf_counter() - start)
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            n_windows = sum(len(predict_record(trained, record, out, "annotations")) for record in records)
        pipeline.append(n_windows / (time.perf_counter() - start))
        if in_memory is None:
            in_memory = model_inputs(trained, n_windows)
        start = time.perf_counter()
        trained.model.predict(in_memory, batch_size=BATCH_SIZE, verbose=0)
        bare.append(n_windows / (time.perf_counter() - start))
    ratios = np.array(pipeline) / np.array(bare)
    floor_share = np.array(floor) * np.array(bare) / n_windows  # floor time / bare model time
    print(f"{title}: {n_windows} windows of {' x '.join(map(str, trained.meta['input_shape']))}")
    print(f"  bare model.predict (windows in memory)  {np.median(bare):8.0f} windows/s "
          f"({min(bare):.0f}-{max(bare):.0f})")
    print(f"  signalrnn predict (records -> files)    {np.median(pipeline):8.0f} windows/s "
          f"({min(pipeline):.0f}-{max(pipeline):.0f})")
    print(f"  predict / bare, run by run              {np.median(ratios):8.2f} "
          f"({ratios.min():.2f}-{ratios.max():.2f})")
    print(f"  floor: read + rdann + sosfiltfilt       {np.median(floor):8.2f} s, "
          f"{np.median(floor_share):.2f} of the bare model's time "
          f"({floor_share.min():.2f}-{floor_share.max():.2f})")
    print(f"  predict / (bare with the floor added)   {np.median(ratios * (1 + floor_share)):8.2f} "
          f"(bare with the floor: {np.median(1 / (1 + floor_share)):.2f} of bare)")


def model_inputs(trained: TrainedModel, n: int) -> np.ndarray | dict[str, np.ndarray]:
    """``n`` random inputs of the model's shape (windows, and RR features if it takes them)."""
    rng = np.random.default_rng(0)
    windows = rng.normal(size=(n, *trained.meta["input_shape"])).astype(np.float32)
    n_features = len(trained.meta["features"])
    if not n_features:
        return windows
    return {"window": windows, "rr": rng.normal(size=(n, n_features)).astype(np.float32)}


def read_and_filter(path: Path, config: dict) -> None:
    """The I/O floor: read the record and its annotations, one zero-phase band-pass over it."""
    record = wfdb.rdrecord(str(path))
    wfdb.rdann(str(path), config["annotation"]["extension"])
    sos = signal.butter(config["filter"]["order"], config["filter"]["bandpass_hz"], "bandpass",
                        fs=record.fs, output="sos")
    signal.sosfiltfilt(sos, record.p_signal, axis=0)


if __name__ == "__main__":
    main()
