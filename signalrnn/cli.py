"""``signalrnn <step>``: every workflow stage as a command (Snakemake runs these)."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from signalrnn.config.load import load_config
from signalrnn.errors import SignalrnnError
from signalrnn.io.layout import MEMBERS, Layout, snr_label

# Where predict takes the events of a record from: its annotation file or a detector (detect.py).
EVENT_SOURCES = ("annotations", "activations", "bipolar", "qrs", "sliding")


def cmd_resolve(config: dict, layout: Layout, args) -> None:
    """Write the effective (validated, default-filled) config to results/<name>/config.yaml."""
    layout.root.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(config, sort_keys=False)
    if not layout.config.is_file() or layout.config.read_text() != text:
        layout.config.write_text(text)
    print(layout.config)


def cmd_download(config: dict, layout: Layout, args) -> None:
    from signalrnn.data.annotate import needs_annotation_file
    from signalrnn.io.records import download_records, record_names

    names = record_names(config)
    extension = config["annotation"]["extension"] if needs_annotation_file(config) else None
    print(f"download: {len(names)} records of PhysioNet {config['physionet_db']!r} into "
          f"{config['data_dir']}", flush=True)
    download_records(config["physionet_db"], config["data_dir"], names, extension)


def cmd_simulate(config: dict, layout: Layout, args) -> None:
    from signalrnn.data.simulate import simulate_dataset

    simulate_dataset(config["simulate"], args.out or config["data_dir"])


def cmd_filter(config: dict, layout: Layout, args) -> None:
    from signalrnn.preprocessing.steps import filter_record

    for record, files, log in _per_record(args, {"out": layout.filtered}):
        with _record_log(log, record):
            filter_record(config, record, files["out"])


def cmd_annotate(config: dict, layout: Layout, args) -> None:
    from signalrnn.data.annotate import write_event_tables

    write_event_tables(config, layout.events)


def cmd_window(config: dict, layout: Layout, args) -> None:
    from signalrnn.preprocessing.steps import window_record_files

    places = {"filtered": layout.filtered, "events": layout.events, "windows": layout.windows,
              "index": layout.window_index, "dropped": layout.window_drops}
    for record, files, log in _per_record(args, places):
        with _record_log(log, record):
            window_record_files(config, record, **files)


def _per_record(args, places: dict[str, Callable[[str], Path]]) -> list[tuple[str, dict, str | None]]:
    """Each ``--record`` of a per-record step with its files and its ``--log`` file (or None):
    the i-th path of each option in ``places``, or, where the option is not given, its place
    in results/<name>/."""
    records = args.record
    for option in [*places, "log"]:
        given = getattr(args, option)
        if given is not None and len(given) != len(records):
            raise SignalrnnError(f"--{option} names {len(given)} paths for {len(records)} records; "
                                 "give one per --record, in the same order")
    return [(record,
             {name: getattr(args, name)[i] if getattr(args, name) else place(record)
              for name, place in places.items()},
             args.log[i] if args.log else None)
            for i, record in enumerate(records)]


@contextlib.contextmanager
def _record_log(path: str | None, record: str) -> Iterator[None]:
    """Print into the log file ``path`` (none: to stdout), and an error of ``record`` there too."""
    if path is None:
        yield
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as log, contextlib.redirect_stdout(log):
        try:
            yield
        except (SignalrnnError, OSError) as exc:
            print(f"error: {record}: {exc}", flush=True)
            raise


def cmd_split(config: dict, layout: Layout, args) -> None:
    from signalrnn.io.records import record_names
    from signalrnn.preprocessing.steps import split_records

    names = record_names(config)
    split_records(config["split"], names, [layout.events(name) for name in names], layout.split)


def cmd_train(config: dict, layout: Layout, args) -> None:
    from signalrnn.config.grid import require_trial, with_settings
    from signalrnn.model.train import train

    if args.trial is not None:
        config = with_settings(config, require_trial(config, args.trial))
        layout = layout.for_trial(args.trial)
    print(f"train: MLflow run {train(config, layout)}", flush=True)


def cmd_select(config: dict, layout: Layout, args) -> None:
    from signalrnn.model.select import select

    select(config, layout)


def cmd_evaluate(config: dict, layout: Layout, args) -> None:
    from signalrnn.evaluation.assess import evaluate

    evaluate(config, layout)


def cmd_pool(config: dict, layout: Layout, args) -> None:
    from signalrnn.evaluation.assess import pool_folds

    pool_folds(config, layout if args.member is None else layout.for_member(args.member))


def cmd_companion(config: dict, layout: Layout, args) -> None:
    from signalrnn.evaluation.members import companion

    companion(config, layout)


def cmd_stack(config: dict, layout: Layout, args) -> None:
    from signalrnn.evaluation.members import stack

    stack(config, layout)


def cmd_sweep(config: dict, layout: Layout, args) -> None:
    from signalrnn.evaluation.sweep import sweep_level

    result = sweep_level(config, layout, float(args.snr_db))
    path = layout.sweep_metrics(snr_label(args.snr_db))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))


def cmd_report(config: dict, layout: Layout, args) -> None:
    from signalrnn.reporting.report import write_report

    write_report(config, layout)
    print(f"report: {layout.report}", flush=True)


def cmd_predict(config: dict | None, layout: Layout | None, args) -> None:
    from signalrnn.predict import load_trained_model, predict_record

    tracking_uri = args.tracking_uri or os.environ.get("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db")
    trained = load_trained_model(args.model, tracking_uri)
    for record in args.records:
        predict_record(trained, record, args.out, args.events, args.channels)


def cmd_map(config: dict, layout: Layout, args) -> None:
    from signalrnn.reporting.maps import map_layout, write_maps

    record = Path(args.record)
    electrodes, settings = map_layout(config, args.model)
    write_maps(args.predictions or layout.predicted(record.name), record, electrodes, settings,
               args.out or layout.maps_dir(record.name))


def cmd_real_recordings(config: dict, layout: Layout, args) -> None:
    from signalrnn.config.load import class_names
    from signalrnn.evaluation.real_recordings import headline, write_real_recordings

    check = write_real_recordings(config, layout, class_names(config))
    print(f"real recordings: {headline(check.summary)} -> {layout.real_dir}", flush=True)


COMMANDS = {
    "resolve-config": (cmd_resolve, "validate a config and write the effective one"),
    "download": (cmd_download, "fetch the records from PhysioNet into data_dir"),
    "simulate": (cmd_simulate, "write the synthetic electrogram dataset (WFDB)"),
    "filter": (cmd_filter, "zero-phase filter one record"),
    "annotate": (cmd_annotate, "annotations of all records -> one event table"),
    "window": (cmd_window, "windows around the events of one record"),
    "split": (cmd_split, "patient-wise train / val / test assignment or cross-validation folds"),
    "train": (cmd_train, "train the LSTM (MLflow run)"),
    "evaluate": (cmd_evaluate, "test-split metrics (MLflow)"),
    "select": (cmd_select, "the hyperparameter trial of lowest validation loss becomes the model (MLflow)"),
    "pool": (cmd_pool, "pooled metrics of all cross-validation folds (MLflow)"),
    "companion": (cmd_companion, "train the gradient-boosting companion, test-split metrics (MLflow)"),
    "stack": (cmd_stack, "LSTM and companion stacked (chosen on val), test-split metrics (MLflow)"),
    "sweep": (cmd_sweep, "model and baseline on the test patients simulated at another SNR"),
    "report": (cmd_report, "self-contained HTML report"),
    "predict": (cmd_predict, "annotate new records with a trained model (WFDB annotations + CSV)"),
    "map": (cmd_map, "maps of one predicted record over its electrode array (CSV, figures, HTML report)"),
    "real-recordings": (cmd_real_recordings, "sim-to-real check of the predicted real records"),
}


@functools.cache
def parser() -> argparse.ArgumentParser:
    """The command-line parser, built once per process: a build costs 6 ms (argparse looks up
    about 45 translations), which in-process callers would otherwise pay on every call."""
    top = argparse.ArgumentParser(prog="signalrnn", description=__doc__)
    steps = top.add_subparsers(dest="step", required=True)
    for name, (_, help_text) in COMMANDS.items():
        sub = steps.add_parser(name, help=help_text)
        if name == "predict":
            _predict_arguments(sub)
            continue
        sub.add_argument("--config", required=True, help="YAML config file")
        sub.add_argument("--results", default="results", help="results folder (default: results)")
        if name in ("filter", "window"):
            sub.add_argument("--record", required=True, nargs="+",
                             help="record name(s) (no extension); one job may do several")
            _path_arguments(sub, IO_OPTIONS[name], per_record=True)
            sub.add_argument("--log", nargs="+", help="each record's log file, in record order "
                                                      "(default: print to the terminal)")
        if name == "map":
            sub.add_argument("--record", required=True, help="WFDB record path without extension")
            sub.add_argument("--model", help="the model that predicted the record (model.keras or its "
                                             "model.json): its electrode layout is used unless the config's "
                                             "mapping section gives one")
            _path_arguments(sub, IO_OPTIONS[name])
        if name == "sweep":
            sub.add_argument("--snr-db", required=True, help="SNR (dB) of the simulated test patients")
        if name == "simulate":
            sub.add_argument("--out", help="output folder (default: the config's data_dir)")
        if name in ("train", "evaluate", "companion", "stack"):
            sub.add_argument("--fold", type=int, help="cross-validation fold (split.method: kfold)")
        if name == "pool":
            sub.add_argument("--member", choices=MEMBERS,
                             help="pool a model beside the LSTM (default: the LSTM)")
        if name == "train":
            sub.add_argument("--trial", help="hyperparameter trial (t00, t01, ...) of tune.grid")
    return top


# The files a per-record step reads and writes: a rule passes each path from its named input /
# output; run by hand, a step takes them from the Layout of results/<name>/.
IO_OPTIONS = {
    "filter": {"--out": "the filtered signal (.npy) to write"},
    "window": {"--filtered": "the filtered signal (.npy) to read", "--events": "the record's events (.csv)",
               "--windows": "the windows (.npy) to write", "--index": "the window index (.csv) to write",
               "--dropped": "the counts of events without a window (.json) to write"},
    "map": {"--predictions": "the record's predict CSV to read", "--out": "the folder of its maps to write"},
}


def _path_arguments(sub: argparse.ArgumentParser, options: dict[str, str], per_record: bool = False) -> None:
    for option, help_text in options.items():
        if per_record:
            sub.add_argument(option, nargs="+", help=f"{help_text}, one per record in record order "
                                                     "(default: their places in results/<name>/)")
        else:
            sub.add_argument(option, help=f"{help_text} (default: its place in results/<name>/)")


def _exit_on_sigterm(signum, frame) -> None:
    """Turn SIGTERM (Snakemake, SLURM or kill stopping a job) into SystemExit, so that open
    MLflow runs are marked FAILED and temporary files are cleaned up on the way out."""
    raise SystemExit(128 + signum)


def _predict_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--model", required=True,
                     help="model.keras (with its model.json beside it) or models:/<name>@<alias>")
    sub.add_argument("--out", required=True, help="output folder for <record>.pred and <record>.csv")
    sub.add_argument("--events", choices=EVENT_SOURCES,
                     help="where events come from (default: as in training, detected if annotated)")
    sub.add_argument("--channels", type=lambda text: [c.strip() for c in text.split(",") if c.strip()],
                     help="comma-separated record channels to classify, e.g. CS12,CS34 (default: those the "
                          "model was trained for; surface ECG leads never, unless named)")
    sub.add_argument("--tracking-uri", help="MLflow store of models:/ URIs (default: $MLFLOW_TRACKING_URI or sqlite:///mlflow.db)")
    sub.add_argument("records", nargs="+", metavar="RECORD", help="WFDB record path without extension")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        config = layout = None
        if args.step != "predict":
            config = load_config(args.config)
            layout = Layout.of(config["name"], args.results)
        if getattr(args, "fold", None) is not None:
            layout = layout.for_fold(args.fold)
        COMMANDS[args.step][0](config, layout, args)
    except SignalrnnError as exc:
        print(f"signalrnn {args.step}: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = exc.filename or "output"
        print(f"signalrnn {args.step}: error: {where}: {exc.strerror or exc}; check that the path "
              "exists and that its folder is writable", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
