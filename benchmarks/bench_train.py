"""Training throughput (windows / s): the pipeline's streamed input against a bare ``model.fit``.

Both fit the same LSTM (configs/default.yaml's model) on the same windows: once streamed from
memory-mapped per-record .npy files through signalrnn's WindowBatches, once from one NumPy array
held in memory. The first epoch (graph building, warm-up) is not timed.

    python benchmarks/bench_train.py [--windows 32768] [--batch-size 128] [--epochs 3]
                                     [--mixed-precision] [--workers 2]

Runs unchanged on any Keras 3 backend (KERAS_BACKEND=tensorflow | jax | torch), on CPU or GPU.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import yaml
from common import ROOT

from signalrnn.model.build import FINAL_LSTM, build_model
from signalrnn.preprocessing.dataset import WindowBatches, WindowSet

CLASSES = ["single", "short_double", "long_double", "fractionated"]


class EpochClock(keras.callbacks.Callback):
    """Wall-clock seconds of every epoch."""

    def on_train_begin(self, logs=None):
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def write_windows(folder: Path, n_windows: int, length: int, n_records: int, seed: int = 0):
    """Random windows (n, length, 1) split over ``n_records`` .npy/.csv pairs, as the window step writes."""
    rng = np.random.default_rng(seed)
    records = [f"r{i:02d}" for i in range(n_records)]
    for record, rows in zip(records, np.array_split(np.arange(n_windows), n_records), strict=True):
        np.save(folder / f"{record}.npy", rng.normal(size=(len(rows), length, 1)).astype(np.float32))
        pd.DataFrame({"record": record, "patient": record, "sample": rows, "channel": "E01",
                      "label": rng.choice(CLASSES, len(rows)), "fs_hz": 1000.0}).to_csv(
            folder / f"{record}.csv", index=False)
    return records


def windows_per_second(model, data, n_windows: int, epochs: int, **fit_kwargs) -> float:
    clock = EpochClock()
    model.fit(data, epochs=epochs, verbose=0, callbacks=[clock], **fit_kwargs)
    return n_windows / float(np.mean(clock.seconds[1:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=32768)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--mixed-precision", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="reader threads of WindowBatches")
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "configs/default.yaml").read_text())
    length = int(config["window"]["pre_ms"] + config["window"]["post_ms"])  # 1 kHz
    if args.mixed_precision:
        keras.mixed_precision.set_dtype_policy("mixed_float16")

    with tempfile.TemporaryDirectory() as tmp:
        records = write_windows(Path(tmp), args.windows, length, n_records=20)
        windows = WindowSet(tmp, records, CLASSES)
        in_memory = windows.take(np.arange(len(windows)))
        rates = {}
        for name in ("bare model.fit (arrays in memory)", "pipeline (streamed WindowBatches)"):
            keras.utils.set_random_seed(0)
            model = build_model(length, 1, len(CLASSES), config["model"], 1e-3)
            if name.startswith("bare"):
                rates[name] = windows_per_second(model, in_memory, len(windows), args.epochs,
                                                 y=windows.labels, batch_size=args.batch_size,
                                                 shuffle=True)
            else:
                batches = WindowBatches(windows, batch_size=args.batch_size, shuffle=True,
                                        workers=args.workers)
                rates[name] = windows_per_second(model, batches, len(windows), args.epochs)

    lstm = model.get_layer(FINAL_LSTM)
    lstm = getattr(lstm, "forward_layer", lstm)  # a bidirectional LSTM: both directions alike
    fused = keras.src.backend.cudnn_ok(lstm.cell.activation, lstm.cell.recurrent_activation,
                                       lstm.unroll, lstm.cell.use_bias)
    print(f"backend {keras.backend.backend()}, fused cuDNN LSTM usable: {fused}, "
          f"dtype policy {keras.mixed_precision.dtype_policy().name}, batch {args.batch_size}, "
          f"{args.windows} windows of {length} x 1, {args.workers} reader threads")
    for name, rate in rates.items():
        print(f"  {name:38s} {rate:10.0f} windows/s")
    bare, pipeline = rates.values()
    print(f"  pipeline / bare                        {pipeline / bare:10.2f}")


if __name__ == "__main__":
    main()
