"""MLflow: where runs go, what every run is tagged with, metrics, data, the champion model."""

from __future__ import annotations

import fcntl
import hashlib
import platform
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import keras
import mlflow
import pandas as pd
from mlflow.data.sources import LocalArtifactDatasetSource
from mlflow.exceptions import MlflowException

from signalrnn.config.load import config_hash

CHAMPION = "champion"
LOCAL_UI = "http://127.0.0.1:5000"  # where `mlflow ui` listens by default
PACKAGES = ("signalrnn", "numpy", "scipy", "pandas", "tensorflow", "keras", "wfdb", "scikit-learn",
            "mlflow", "snakemake", "matplotlib")


@contextmanager
def store_lock(tracking_uri: str) -> Iterator[None]:
    """Hold an exclusive lock beside a local SQLite store (``<db>.lock``); other stores need none.

    MLflow creates and migrates a SQLite store's tables without a lock, so jobs that start
    together on a new store collide ("table ... already exists"); later writes wait on
    SQLite's own busy timeout.
    """
    if not tracking_uri.startswith("sqlite:///"):
        yield
        return
    database = Path(tracking_uri.removeprefix("sqlite:///"))
    database.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{database}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def use_experiment(config: dict) -> None:
    """Point MLflow at the config's tracking store and experiment ``<name>``."""
    uri = config["mlflow"]["tracking_uri"]
    mlflow.set_tracking_uri(uri)
    with store_lock(uri):
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
    """Logs Keras' epoch metrics to the active MLflow run as ``<prefix>train_*`` /
    ``<prefix>val_*`` (a prefix such as ``seed1_`` tells the networks of an ensemble apart)."""

    def __init__(self, prefix: str = ""):
        super().__init__()
        self.prefix = prefix

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        named = {self.prefix + (k if k.startswith("val_") else f"train_{k}"): float(v)
                 for k, v in (logs or {}).items() if k != "learning_rate"}
        mlflow.log_metrics(named, step=epoch + 1)


def package_versions() -> dict[str, str]:
    """Python and the installed version of every package the numbers depend on."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def run_link(tracking_uri: str, experiment_id: str, run_id: str) -> str:
    """The run's page in the MLflow UI: on the tracking server, or for a local store on
    ``mlflow ui`` started in the project root."""
    base = tracking_uri.rstrip("/") if tracking_uri.startswith(("http://", "https://")) else LOCAL_UI
    return f"{base}/#/experiments/{experiment_id}/runs/{run_id}"


def log_window_datasets(indexes: dict[str, pd.DataFrame], source: Path, name: str) -> None:
    """Each split's window index (record, patient, sample, label ...) as an MLflow dataset input
    of the active run, in the context of its split; MLflow keeps a digest of each table."""
    for split, index in indexes.items():
        with warnings.catch_warnings():  # integer columns (sample) never hold missing values
            warnings.filterwarnings("ignore", "Hint: Inferred schema contains integer", UserWarning)
            dataset = mlflow.data.from_pandas(index, source=LocalArtifactDatasetSource(str(source)),
                                              name=f"{name}-{split}", targets="label")
        mlflow.log_input(dataset, context=split)


def promote_champion(model_name: str, model_version: str, run_id: str, metric: str) -> str:
    """Give ``model_version`` the alias ``champion`` if its run's ``metric`` beats the current
    champion's on the same dataset (tag ``dataset``) or there is no champion yet; say what was done."""
    client = mlflow.MlflowClient()
    run = client.get_run(run_id).data
    score, dataset = run.metrics[metric], run.tags.get("dataset")
    try:
        current = client.get_model_version_by_alias(model_name, CHAMPION)
    except MlflowException:
        current = None
    if current is not None:
        held = client.get_run(current.run_id).data
        best = held.metrics.get(metric, float("-inf"))
        if held.tags.get("dataset") != dataset:
            return (f"version {current.version} stays {CHAMPION}: it was tested on dataset "
                    f"{held.tags.get('dataset')}, this model on {dataset}; the two cannot be compared")
        if score <= best:
            return (f"version {current.version} stays {CHAMPION}: its {metric} {best:.4f} is not beaten "
                    f"by {score:.4f}")
    client.set_registered_model_alias(model_name, CHAMPION, model_version)
    beaten = "" if current is None else f", beating version {current.version} ({best:.4f})"
    return f"version {model_version} is the new {CHAMPION} ({metric} {score:.4f}{beaten})"
