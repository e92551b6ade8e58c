"""Where every file of an experiment lives: one source of truth for the CLI and the Snakefile."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def snr_label(snr_db: float) -> str:
    """How an SNR (dB) appears in file names: ``30``, ``7.5``, ``-5``."""
    return f"{float(snr_db):g}"


@dataclass(frozen=True)
class Layout:
    """Paths of the outputs of experiment ``results/<name>/``."""

    root: Path

    @classmethod
    def of(cls, name: str, results_dir: str | Path = "results") -> Layout:
        return cls(Path(results_dir) / name)

    @property
    def config(self) -> Path:
        return self.root / "config.yaml"

    def filtered(self, record: str) -> Path:
        return self.root / "filtered" / f"{record}.npy"

    @property
    def events(self) -> Path:
        return self.root / "events.csv"

    @property
    def windows_dir(self) -> Path:
        return self.root / "windows"

    def windows(self, record: str) -> Path:
        return self.windows_dir / f"{record}.npy"

    def window_index(self, record: str) -> Path:
        return self.windows_dir / f"{record}.csv"

    @property
    def split(self) -> Path:
        return self.root / "split.csv"

    @property
    def model_dir(self) -> Path:
        return self.root / "model"

    @property
    def model(self) -> Path:
        return self.model_dir / "model.keras"

    @property
    def model_meta(self) -> Path:
        return self.model_dir / "model.json"

    @property
    def history(self) -> Path:
        return self.model_dir / "history.csv"

    @property
    def mlflow_run(self) -> Path:
        return self.model_dir / "mlflow_run.json"

    @property
    def metrics(self) -> Path:
        return self.root / "metrics.json"

    @property
    def predictions(self) -> Path:
        return self.root / "predictions.csv"

    @property
    def confusion_png(self) -> Path:
        return self.root / "figures" / "confusion_matrix.png"

    def figure(self, name: str) -> Path:
        """An evaluation figure, ``figures/<name>.png``."""
        return self.root / "figures" / f"{name}.png"

    def table(self, name: str) -> Path:
        """An evaluation table, ``tables/<name>.csv``."""
        return self.root / "tables" / f"{name}.csv"

    @property
    def provenance(self) -> Path:
        return self.root / "provenance.json"

    @property
    def curves_png(self) -> Path:
        return self.root / "figures" / "training_curves.png"

    @property
    def examples_png(self) -> Path:
        return self.root / "figures" / "example_windows.png"

    @property
    def sweep_dir(self) -> Path:
        return self.root / "sweep"

    def sweep_metrics(self, snr: str) -> Path:
        """Metrics of the SNR sweep level ``snr`` (a ``snr_label``)."""
        return self.sweep_dir / f"snr_{snr}dB.json"

    @property
    def report(self) -> Path:
        return self.root / "report.html"

    def log(self, step: str) -> Path:
        return self.root / "logs" / f"{step}.log"

    def benchmark(self, step: str) -> Path:
        return self.root / "benchmarks" / f"{step}.tsv"
