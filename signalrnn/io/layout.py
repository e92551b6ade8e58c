"""Where every file of an experiment lives: one source of truth for the CLI and the Snakefile."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

# Models beside the LSTM: the gradient-boosting companion and the two stacked (docs/databases.md).
MEMBERS = ("companion", "stacked")


def snr_label(snr_db: float) -> str:
    """How an SNR (dB) appears in file names: ``30``, ``7.5``, ``-5``."""
    return f"{float(snr_db):g}"


@dataclass(frozen=True)
class Layout:
    """Paths of the outputs of experiment ``results/<name>/``.

    With a ``fold`` (cross-validation), the model and its test results go to
    ``results/<name>/folds/fold<k>/``; the data steps' outputs and the report stay shared. A
    ``trial`` of the hyperparameter search trains into ``results/<name>/tune/<trial>/``. A
    ``member`` other than the LSTM (``companion``, ``stacked``: see ``MEMBERS``) has its model
    and results in a subfolder of that name (``results/<name>/folds/fold<k>/companion/``).
    """

    root: Path
    fold: str | None = None
    trial: str | None = None
    member: str | None = None

    @classmethod
    def of(cls, name: str, results_dir: str | Path = "results") -> Layout:
        return cls(Path(results_dir) / name)

    def for_fold(self, fold: int | str) -> Layout:
        """The layout of cross-validation fold ``fold`` (a number or a Snakemake wildcard)."""
        return replace(self, fold=str(fold))

    def for_member(self, member: str) -> Layout:
        """The layout of ``member`` (one of ``MEMBERS`` or a Snakemake wildcard) beside the LSTM."""
        return replace(self, member=member)

    def for_trial(self, trial: str) -> Layout:
        """The layout of hyperparameter trial ``trial`` (an id or a Snakemake wildcard)."""
        return replace(self, trial=trial)

    @property
    def run_dir(self) -> Path:
        """Where one trained model and its evaluation live."""
        if self.trial is not None:
            return self.tune_dir / self.trial
        run = self.root if self.fold is None else self.root / "folds" / f"fold{self.fold}"
        return run if self.member is None else run / self.member

    @property
    def tune_dir(self) -> Path:
        return self.root / "tune"

    @property
    def tune_table(self) -> Path:
        """Every trial of the search: settings, validation loss and accuracy, selected or not."""
        return self.tune_dir / "trials.csv"

    @property
    def tune_selected(self) -> Path:
        """The selected trial and its settings (JSON)."""
        return self.tune_dir / "selected.json"

    @property
    def config(self) -> Path:
        return self.root / "config.yaml"

    def filtered(self, record: str) -> Path:
        return self.root / "filtered" / f"{record}.npy"

    def events(self, record: str) -> Path:
        """The record's labelled events (one file per record: a window job reads only its own)."""
        return self.root / "events" / f"{record}.csv"

    @property
    def windows_dir(self) -> Path:
        return self.root / "windows"

    def windows(self, record: str) -> Path:
        return self.windows_dir / f"{record}.npy"

    def window_index(self, record: str) -> Path:
        return self.windows_dir / f"{record}.csv"

    def window_drops(self, record: str) -> Path:
        """Counts of the record's events that got no window, by reason (JSON)."""
        return self.windows_dir / f"{record}.dropped.json"

    @property
    def split(self) -> Path:
        return self.root / "split.csv"

    @property
    def model_dir(self) -> Path:
        return self.run_dir / "model"

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
    def resume_dir(self) -> Path:
        """State of an unfinished training (see ``signalrnn.model.resume``); gone once it finishes."""
        return self.model_dir / "resume"

    @property
    def mlflow_run(self) -> Path:
        return self.model_dir / "mlflow_run.json"

    @property
    def metrics(self) -> Path:
        return self.run_dir / "metrics.json"

    @property
    def predictions(self) -> Path:
        return self.run_dir / "predictions.csv"

    @property
    def val_predictions(self) -> Path:
        """Class probabilities of the validation split's windows, from which stacking weights and
        decision costs are chosen (never from the test split's)."""
        return self.run_dir / "val_predictions.csv"

    @property
    def booster(self) -> Path:
        """The companion's fitted gradient-boosting model (joblib)."""
        return self.model_dir / "booster.joblib"

    @property
    def stacking(self) -> Path:
        """What the stacked member chose on the validation split (JSON)."""
        return self.run_dir / "stacking.json"

    @property
    def confusion_png(self) -> Path:
        return self.figure("confusion_matrix")

    def figure(self, name: str) -> Path:
        """An evaluation figure, ``figures/<name>.png`` (of the fold, if any)."""
        return self.run_dir / "figures" / f"{name}.png"

    def table(self, name: str) -> Path:
        """An evaluation table, ``tables/<name>.csv`` (of the fold, if any)."""
        return self.run_dir / "tables" / f"{name}.csv"

    @property
    def provenance(self) -> Path:
        return self.run_dir / "provenance.json"

    @property
    def curves_png(self) -> Path:
        return self.root / "figures" / "training_curves.png"

    @property
    def examples_png(self) -> Path:
        return self.root / "figures" / "example_windows.png"

    @property
    def predictions_dir(self) -> Path:
        """Where the predict rule writes ``<record>.csv`` and ``<record>.pred`` of new records."""
        return self.root / "predict"

    def predicted(self, record: str, extension: str = "csv") -> Path:
        return self.predictions_dir / f"{record}.{extension}"

    def maps_dir(self, record: str) -> Path:
        """Where ``signalrnn map`` writes the tables, figures and report of a predicted record."""
        return self.root / "maps" / record

    def map_report(self, record: str) -> Path:
        return self.maps_dir(record) / "report.html"

    @property
    def real_dir(self) -> Path:
        """Where the sim-to-real check on the predicted real records writes (``real_recordings``)."""
        return self.root / "real"

    def real_table(self, name: str) -> Path:
        """A table of the check: ``channels``, ``segments`` or ``patients`` (CSV)."""
        return self.real_dir / f"{name}.csv"

    @property
    def real_summary(self) -> Path:
        return self.real_dir / "summary.json"

    @property
    def real_figure(self) -> Path:
        return self.real_dir / "real_recordings.png"

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
        return self.run_dir / "logs" / f"{step}.log"

    def benchmark(self, step: str) -> Path:
        return self.run_dir / "benchmarks" / f"{step}.tsv"
