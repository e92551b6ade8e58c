"""MLflow: where runs go, what every run is tagged with, per-epoch metrics, data fingerprints."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import keras
import mlflow

from signalrnn.config import config_hash


def use_experiment(config: dict) -> None:
    """Point MLflow at the config's tracking store and experiment ``<name>``."""
    mlflow.set_tracking_uri(config["mlflow"]["tracking_uri"])
    mlflow.set_experiment(config["name"])


def git_commit() -> str:
    """Commit of the working directory's repository, '-dirty' if changed; 'unknown' outside git."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return sha + ("-dirty" if dirty else "")


def run_tags(config: dict) -> dict[str, str]:
    return {
        "git_commit": git_commit(),
        "config_hash": config_hash(config),
        "dataset": Path(config["data_dir"]).name,
    }


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(paths: list[Path]) -> dict[str, str]:
    """File -> SHA-256 for every existing path, plus ``__all__``: the hash of all of them."""
    prints = {str(p): sha256_file(p) for p in sorted(paths) if Path(p).is_file()}
    prints["__all__"] = hashlib.sha256("".join(prints.values()).encode()).hexdigest()
    return prints


class EpochMetrics(keras.callbacks.Callback):
    """Logs Keras' epoch metrics to the active MLflow run as ``train_*`` / ``val_*``."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        named = {k if k.startswith("val_") else f"train_{k}": float(v)
                 for k, v in (logs or {}).items() if k != "learning_rate"}
        mlflow.log_metrics(named, step=epoch + 1)
