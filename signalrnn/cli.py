"""``signalrnn <step>``: every workflow stage as a command (Snakemake runs these)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from signalrnn.config import load_config
from signalrnn.errors import SignalrnnError
from signalrnn.layout import Layout, snr_label


def _save_npy(path: Path, array: np.ndarray) -> None:
    """Write ``array`` to ``path`` via a temporary file, so a crash leaves no partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial.npy")
    np.save(tmp, array)
    os.replace(tmp, path)


def cmd_resolve(config: dict, layout: Layout, args) -> None:
    """Write the effective (validated, default-filled) config to results/<name>/config.yaml."""
    layout.root.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(config, sort_keys=False)
    if not layout.config.is_file() or layout.config.read_text() != text:
        layout.config.write_text(text)
    print(layout.config)


def cmd_simulate(config: dict, layout: Layout, args) -> None:
    from signalrnn.simulate import simulate_dataset

    simulate_dataset(config, args.out or config["data_dir"])


def cmd_filter(config: dict, layout: Layout, args) -> None:
    from signalrnn.filters import filter_signal
    from signalrnn.records import read_record

    record = read_record(config["data_dir"], args.record)
    filtered = filter_signal(record.signal, record.fs_hz, config["filter"])
    _save_npy(layout.filtered(args.record), filtered)
    print(f"filter: {args.record}: {filtered.shape[0]} samples x {filtered.shape[1]} channels "
          f"at {record.fs_hz} Hz", flush=True)


def cmd_annotate(config: dict, layout: Layout, args) -> None:
    from signalrnn.annotate import annotate_records

    events = annotate_records(config)
    layout.events.parent.mkdir(parents=True, exist_ok=True)
    events.to_csv(layout.events, index=False)


def cmd_window(config: dict, layout: Layout, args) -> None:
    import wfdb

    from signalrnn.window import window_record

    header = wfdb.rdheader(str(Path(config["data_dir"]) / args.record))
    events = pd.read_csv(layout.events, dtype={"record": str, "patient": str})
    events = events[events["record"] == args.record].reset_index(drop=True)
    signal = np.load(layout.filtered(args.record), mmap_mode="r")
    layout.windows_dir.mkdir(parents=True, exist_ok=True)
    index = window_record(signal, float(header.fs), list(header.sig_name), events,
                          config["window"], layout.windows(args.record))
    index.to_csv(layout.window_index(args.record), index=False)
    print(f"window: {args.record}: {len(index)} windows", flush=True)


def cmd_split(config: dict, layout: Layout, args) -> None:
    from signalrnn.records import patient_of, record_names
    from signalrnn.split import split_table

    names = record_names(config)
    records = pd.DataFrame({"record": names,
                            "patient": [patient_of(r, config["patient_regex"]) for r in names]})
    table = split_table(records, config["split"])
    table.to_csv(layout.split, index=False)
    for name, part in table.groupby("split"):
        print(f"split: {name}: patients {sorted(part['patient'].unique())}", flush=True)


def cmd_train(config: dict, layout: Layout, args) -> None:
    from signalrnn.train import train

    print(f"train: MLflow run {train(config, layout)}", flush=True)


def cmd_evaluate(config: dict, layout: Layout, args) -> None:
    from signalrnn.evaluate import evaluate

    evaluate(config, layout)


def cmd_sweep(config: dict, layout: Layout, args) -> None:
    from signalrnn.sweep import sweep_level

    result = sweep_level(config, layout, float(args.snr_db))
    path = layout.sweep_metrics(snr_label(args.snr_db))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))


def cmd_report(config: dict, layout: Layout, args) -> None:
    from signalrnn.report import write_report

    write_report(config, layout)
    print(f"report: {layout.report}", flush=True)


COMMANDS = {
    "resolve-config": (cmd_resolve, "validate a config and write the effective one"),
    "simulate": (cmd_simulate, "write the synthetic electrogram dataset (WFDB)"),
    "filter": (cmd_filter, "zero-phase filter one record"),
    "annotate": (cmd_annotate, "annotations of all records -> one event table"),
    "window": (cmd_window, "windows around the events of one record"),
    "split": (cmd_split, "patient-wise train / val / test assignment"),
    "train": (cmd_train, "train the LSTM (MLflow run)"),
    "evaluate": (cmd_evaluate, "test-split metrics (MLflow)"),
    "sweep": (cmd_sweep, "model and baseline on the test patients simulated at another SNR"),
    "report": (cmd_report, "self-contained HTML report"),
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="signalrnn", description=__doc__)
    steps = top.add_subparsers(dest="step", required=True)
    for name, (_, help_text) in COMMANDS.items():
        sub = steps.add_parser(name, help=help_text)
        sub.add_argument("--config", required=True, help="YAML config file")
        sub.add_argument("--results", default="results", help="results folder (default: results)")
        if name in ("filter", "window"):
            sub.add_argument("--record", required=True, help="record name (no extension)")
        if name == "sweep":
            sub.add_argument("--snr-db", required=True, help="SNR (dB) of the simulated test patients")
        if name == "simulate":
            sub.add_argument("--out", help="output folder (default: the config's data_dir)")
    return top


def _exit_on_sigterm(signum, frame) -> None:
    """Turn SIGTERM (Snakemake, SLURM or kill stopping a job) into SystemExit, so that open
    MLflow runs are marked FAILED and temporary files are cleaned up on the way out."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        config = load_config(args.config)
        COMMANDS[args.step][0](config, Layout.of(config["name"], args.results), args)
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
