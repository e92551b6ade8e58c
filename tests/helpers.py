"""Builders shared by the tests: scratch projects, Snakemake runs, small window sets and model
settings, noise-free simulator settings, trimmed real records. Fixtures live in conftest.py."""

from __future__ import annotations

import copy
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import wfdb
import yaml

from signalrnn.preprocessing.window import RR_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

METRIC_KEYS = {"split", "classes", "n_windows", "accuracy", "balanced_accuracy", "macro_f1",
               "per_class", "confusion_matrix", "n_patients", "ci", "roc_auc", "average_precision",
               "calibration"}


QUIET = {"snr_db": 200, "wander_mv": [0, 0], "mains_mv": [0, 0], "far_field_mv": [0, 0]}


def quiet(sim: dict, **changes) -> dict:
    """A ``simulate`` section ``sim`` without noise (a clean record), with ``changes``."""
    return {**copy.deepcopy(sim), **QUIET, **changes}


MODEL = {"units": 8, "layers": 2, "bidirectional": False, "dropout": 0.1, "conv_filters": [],
         "conv_kernel": 5, "conv_stride": 2}


def copy_project(dest: Path) -> Path:
    """Copy the workflow (Snakefile, workflow/, configs/, its conda env) to ``dest``."""
    for name in ("Snakefile", "workflow", "configs", "environment.yml"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    return dest


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def snakemake(project: Path, *args: str, timeout_s: int = 900) -> subprocess.CompletedProcess:
    """Run the venv's snakemake in ``project`` (2 cores unless ``args`` say otherwise), with the
    venv off PATH, as a script or cron job calls it: the jobs must find signalrnn without it."""
    path = [p for p in os.environ["PATH"].split(os.pathsep) if Path(p).resolve() != BIN.resolve()]
    env = {**os.environ, "PATH": os.pathsep.join(path)}
    cores = [] if {"--profile", "--cores"} & set(args) else ["--cores", "2"]
    return subprocess.run([str(BIN / "snakemake"), *cores, *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=timeout_s)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout_s: float) -> None:
    """Return once ``url`` answers; raise the last connection error after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def write_windows(folder, record, labels, rr=None, seed=0):
    """Write random windows (n, 7 samples, 2 channels) of ``record`` and their index; return them."""
    n = len(labels)
    windows = np.random.default_rng(seed).normal(size=(n, 7, 2)).astype(np.float32)
    np.save(folder / f"{record}.npy", windows)
    index = pd.DataFrame({"record": record, "patient": record, "sample": np.arange(n), "channel": "x",
                          "label": labels, "fs_hz": 100.0})
    if rr is not None:
        index = index.assign(**dict(zip(RR_COLUMNS, np.asarray(rr, np.float32).T, strict=True)))
    index.to_csv(folder / f"{record}.csv", index=False)
    return windows


def trimmed_copy(source, records, dest, seconds, extension=None):
    """The first ``seconds`` of ``records`` (and their annotations) written to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in records:
        n = int(seconds * wfdb.rdheader(str(source / name)).fs)
        wfdb.rdrecord(str(source / name), sampto=n, physical=False).wrsamp(write_dir=str(dest))
        if extension:
            wfdb.rdann(str(source / name), extension, sampto=n).wrann(write_dir=str(dest))
    return dest
