"""Preprocessing against the I/O floor on the real MIT-BIH DS1 records.

Floor: read every record and its annotations with wfdb and run one scipy sosfiltfilt over it.
Pipeline: the filter, annotate and window steps exactly as Snakemake runs them (signalrnn's
commands, called in this process, so per-process start-up is not counted: the interpreter,
imports, and the argument parser and validated config, which a process builds once), with
configs/mitdb.yaml. Both are timed five times, taking turns, and the fastest of each counts
(warm file cache).
With --snakemake, also runs those steps through Snakemake (``snakemake windows``, from an empty
results folder): with 2 cores and then 1, records in batches (``records_per_job``, as configured),
and with 2 cores and one job per record; each against the in-process pipeline. Snakemake's own
start-up (a dry run of the same target) is printed beside them.

    SIGNALRNN_DATA=<folder holding mitdb-ds1/> python benchmarks/bench_preprocess.py [--snakemake]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import wfdb
import yaml
from common import ROOT, copy_project, venv_env
from scipy import signal

from signalrnn.cli import main as signalrnn
from signalrnn.config.load import load_config


def fastest_interleaved(steps: list, rounds: int = 5) -> list[float]:
    """Each step's fastest time (s) over ``rounds`` rounds, each round running every step once in
    turn, so that the machine's drift (shared CPUs, file cache) reaches all steps alike."""
    fastest = [float("inf")] * len(steps)
    for _ in range(rounds):
        for i, step in enumerate(steps):
            start = time.perf_counter()
            step()
            fastest[i] = min(fastest[i], time.perf_counter() - start)
    return fastest


def floor(data_dir: Path, records: list[str]) -> None:
    sos = signal.butter(2, [0.5, 45.0], "bandpass", fs=360, output="sos")
    for record in records:
        rec = wfdb.rdrecord(str(data_dir / record))
        wfdb.rdann(str(data_dir / record), "atr")
        signal.sosfiltfilt(sos, rec.p_signal, axis=0)


def pipeline(config: Path, results: Path, records: list[str]) -> None:
    common = ["--config", str(config), "--results", str(results)]
    with contextlib.redirect_stdout(io.StringIO()):
        for record in records:
            assert signalrnn(["filter", *common, "--record", record]) == 0
        assert signalrnn(["annotate", *common]) == 0
        for record in records:
            assert signalrnn(["window", *common, "--record", record]) == 0


def snakemake_seconds(project: Path, config: Path, cores: int, *options: str) -> float:
    shutil.rmtree(project / "results", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "snakemake"), "windows", "--cores", str(cores),
                    "--configfile", str(config), "--quiet", *options], cwd=project,
                   check=True, capture_output=True, env=venv_env())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snakemake", action="store_true", help="also time Snakemake, 1 vs 2 cores")
    args = parser.parse_args()
    data_dir = Path(os.environ.get("SIGNALRNN_DATA", "")) / "mitdb-ds1"
    if not data_dir.is_dir():
        sys.exit("set SIGNALRNN_DATA to the folder that holds mitdb-ds1/")
    records = sorted(p.stem for p in data_dir.glob("*.hea"))
    config = yaml.safe_load((ROOT / "configs/mitdb.yaml").read_text())
    config.update(name="bench", data_dir=str(data_dir), split={"method": "kfold"})
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "bench.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        t_floor, t_pipe = fastest_interleaved([
            lambda: floor(data_dir, records),
            lambda: pipeline(tmp / "bench.yaml", tmp / "results", records)])
        n_windows = sum(len(np.load(p, mmap_mode="r")) for p in (tmp / "results/bench/windows").glob("*.npy"))
        print(f"{len(records)} MIT-BIH records, {n_windows} windows")
        print(f"  floor: read + rdann + sosfiltfilt     {t_floor:7.2f} s")
        print(f"  pipeline: filter + annotate + window  {t_pipe:7.2f} s")
        print(f"  pipeline / floor                      {t_pipe / t_floor:7.2f}")
        if args.snakemake:
            project = copy_project(tmp / "project")
            per_job = load_config(tmp / "bench.yaml")["records_per_job"]
            runs = {f"2 cores, {per_job} records per job": (2,), f"1 core, {per_job} records per job": (1,),
                    "2 cores, 1 record per job": (2, "--config", "records_per_job=1"),
                    "dry run (Snakemake's own start-up)": (2, "--dry-run")}
            seconds = {label: snakemake_seconds(project, tmp / "bench.yaml", *run)
                       for label, run in runs.items()}
            for label, took in seconds.items():
                print(f"  snakemake windows, {label:36s} {took:6.2f} s  ({took / t_pipe:5.1f}x the pipeline)")


if __name__ == "__main__":
    main()
