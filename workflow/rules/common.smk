# Shared by all rules: the validated config, the output layout and the record list.
import shlex
import sys
from pathlib import Path

import yaml

from signalrnn.config.grid import trials
from signalrnn.config.load import validate_config
from signalrnn.data.annotate import needs_annotation_file
from signalrnn.errors import SignalrnnError
from signalrnn.io.layout import Layout, snr_label
from signalrnn.io.records import predict_record_names, record_batches, record_names, require_records
from signalrnn.preprocessing.split import split_folds

# Jobs find the signalrnn beside the Python that runs this workflow first on their PATH, so
# `.venv/bin/snakemake` works from a script or cron without an activated venv. (A prefix replaces
# Snakemake's default one, bash strict mode, so it is kept.)
shell.prefix(f"set -euo pipefail; PATH={shlex.quote(str(Path(sys.executable).parent))}:\"$PATH\"; ")

try:
    CONFIG = validate_config(config, "config")
    RECORDS = record_names(CONFIG)
    BATCHES = record_batches(RECORDS, CONFIG["records_per_job"])
    # Download only into a data_dir without records: never touch a folder someone filled.
    DOWNLOAD = CONFIG["physionet_db"] is not None and not any(Path(CONFIG["data_dir"]).glob("*.hea"))
    if not (CONFIG["simulate"]["enabled"] or DOWNLOAD):
        require_records(CONFIG["data_dir"], RECORDS)
except SignalrnnError as exc:
    sys.exit(f"signalrnn: error: {exc}")

OUT = Layout.of(CONFIG["name"])
PREDICT = CONFIG["predict"]
# New records that the predict rule annotates (none unless predict.records_dir is set).
PREDICT_RECORDS = predict_record_names(CONFIG)
DATA = CONFIG["data_dir"]
SWEEP_LEVELS = [snr_label(snr_db) for snr_db in CONFIG["sweep"]["snr_db"]]
ANNOTATION_EXT = CONFIG["annotation"]["extension"]
# Files of each record: header, signal and, when events or labels come from it, the annotation file.
RECORD_EXTENSIONS = ["hea", "dat"] + ([ANNOTATION_EXT] if needs_annotation_file(CONFIG) else [])
# Cross-validation trains and evaluates one model per fold (wildcard {fold}), then pools the folds.
CV = CONFIG["split"]["method"] == "kfold"
RUN = OUT.for_fold("{fold}") if CV else OUT
# A hyperparameter search trains one model per trial ({trial}); select copies the best to OUT.
TRIALS = list(trials(CONFIG))
TRAINED = OUT.for_trial("{trial}") if TRIALS else RUN
# Rules read the effective config from this file; params carry the sections a rule uses,
# so that changing one section reruns only the rules that depend on it.
OUT.root.mkdir(parents=True, exist_ok=True)
if not OUT.config.is_file() or yaml.safe_load(OUT.config.read_text()) != CONFIG:
    OUT.config.write_text(yaml.safe_dump(CONFIG, sort_keys=False))
CONFIG_FILE = str(OUT.config)
# For --software-deployment-method conda: the same install as `make run`.
CONDA_ENV = "../../environment.yml"


wildcard_constraints:
    record="[^/]+",
    fold=r"\d+",
    trial=r"t\d+",
    snr="-?[0-9.]+",


def record_file(extension):
    """Path pattern of one record's file with ``extension``."""
    return f"{DATA}/{{record}}.{extension}"


def fold_option(wildcards):
    """``--fold k`` for the jobs of cross-validation fold k, nothing otherwise."""
    return f"--fold {wildcards.fold}" if CV else ""


def every_fold(path_of):
    """Input function: ``path_of(layout)`` of every fold in split.csv, once the split has run."""

    def paths(wildcards):
        folds = split_folds(checkpoints.split.get().output[0])
        return [path_of(OUT.for_fold(k)) for k in folds]

    return paths


# Evaluation figures made from predictions alone (so for pooled folds too) -> report category;
# the hidden-state map needs the model, so only a trained model's evaluation has it.
PREDICTION_FIGURES = {
    "confusion_matrix": "Results",
    "roc_pr": "Results",
    "reliability": "Results",
    "per_patient": "Results",
    "failures": "Failures",
}
MODEL_FIGURES = {"hidden_states": "Results"}
TABLES = ["per_patient", "per_record", "operating_points"]


def evaluation_outputs(run, figures):
    """Metrics, predictions, provenance, tables and ``figures`` of an evaluation in layout ``run``."""
    reported = [report(run.figure(name), caption=f"../report/{name}.rst", category=category)
                for name, category in figures.items()]
    return [run.metrics, run.predictions, run.provenance, *map(run.table, TABLES), *reported]
