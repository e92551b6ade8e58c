"""predict + maps of one clinical-size recording: the 8 x 24 array (192 electrodes) at 1 kHz for 10 s.

One record of configs/default.yaml's simulator at the full array; ``signalrnn predict`` with
detected activations as events (as for a new, unannotated recording) and a model of the default
architecture with random weights (``predict.untrained_model``: the weights do not change the
work), then ``signalrnn map``. Both run in this process after the model is built and warmed up
on one batch, as a long-lived service would; a cold command line adds the import of TensorFlow
(predict) and of matplotlib (map). Each stage is timed ``--repeats`` times; the benchmark prints
the median and range.

    python benchmarks/bench_predict_maps.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
import time
from pathlib import Path

import numpy as np
from common import ROOT

from signalrnn.config.load import load_config, validate_config
from signalrnn.data.simulate import simulate_dataset
from signalrnn.mapping.geometry import layout_from_config
from signalrnn.predict import predict_record, untrained_model
from signalrnn.reporting.maps import write_maps

ARRAY = [8, 24]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    base = load_config(ROOT / "configs" / "default.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = validate_config({**base, "data_dir": str(folder / "sim"), "simulate": {
            **base["simulate"], "n_patients": 3, "duration_s": 10.0, "array_shape": ARRAY}})
        with contextlib.redirect_stdout(io.StringIO()):
            simulate_dataset(config["simulate"], folder / "sim")
        record = folder / "sim" / "p01_r1"
        trained = untrained_model(config, record)
        trained.model.predict(np.zeros((1, *trained.meta["input_shape"]), np.float32), verbose=0)
        layout = layout_from_config(config["mapping"], config["simulate"])
        timings: dict[str, list[float]] = {"predict": [], "map": []}
        n_events = 0
        for _ in range(args.repeats):
            with contextlib.redirect_stdout(io.StringIO()):
                start = time.perf_counter()
                n_events = len(predict_record(trained, record, folder / "predict", "activations"))
                timings["predict"].append(time.perf_counter() - start)
                start = time.perf_counter()
                write_maps(folder / "predict" / "p01_r1.csv", record, layout, config["mapping"],
                           folder / "maps")
                timings["map"].append(time.perf_counter() - start)
    total = np.array(timings["predict"]) + np.array(timings["map"])
    print(f"{ARRAY[0]} x {ARRAY[1]} array, 10 s at 1 kHz, {n_events} detected activations, "
          f"{args.repeats} runs (median, range):")
    for name, values in (*timings.items(), ("predict + map", list(total))):
        print(f"  {name:14s} {np.median(values):6.1f} s ({min(values):.1f}-{max(values):.1f})")


if __name__ == "__main__":
    main()
