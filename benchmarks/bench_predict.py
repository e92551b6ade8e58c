"""Prediction throughput (windows / s): ``signalrnn predict`` on a record against a bare
``model.predict`` on the same number of windows held in memory.

predict's time includes everything: reading the record in blocks, filtering, windowing,
normalising, the model, and writing the CSV and WFDB annotations. Both use an untrained model of
configs/default.yaml's architecture (weights do not change the work) on one simulated record of
configs/default.yaml's electrode array at 1 kHz with its own annotations as events. A first
short run warms up the model.

    python benchmarks/bench_predict.py [--minutes 5] [--batch-size 256]
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
        model.predict(np.zeros((args.batch_size, length, 1), np.float32), verbose=0)  # warm-up

        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            table = predict_record(trained, folder / "p01_r1", folder / "out", "annotations")
        pipeline = len(table) / (time.perf_counter() - start)

        in_memory = np.random.default_rng(0).normal(size=(len(table), length, 1)).astype(np.float32)
        start = time.perf_counter()
        model.predict(in_memory, batch_size=args.batch_size, verbose=0)
        bare = len(table) / (time.perf_counter() - start)

    n_channels = int(np.prod(config["simulate"]["array_shape"]))
    print(f"backend {keras.backend.backend()}, {args.minutes:g} min record, {n_channels} channels at "
          f"{fs_hz:g} Hz, {len(table)} windows of {length} x 1, batch {args.batch_size}")
    print(f"  bare model.predict (windows in memory)  {bare:10.0f} windows/s")
    print(f"  signalrnn predict (record -> files)     {pipeline:10.0f} windows/s")
    print(f"  predict / bare                          {pipeline / bare:10.2f}")


if __name__ == "__main__":
    main()
