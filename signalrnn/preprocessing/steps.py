"""The workflow's per-file data steps: filter one record, window one record, split the records.

Each reads the files its Snakemake rule names as input and writes those it names as output
(``signalrnn filter`` / ``window`` / ``split`` call these), via partial files, so a crash leaves
no output that looks complete.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from signalrnn.io.records import output_rate, read_header, read_record
from signalrnn.io.tables import write_csv
from signalrnn.preprocessing.split import split_table
from signalrnn.preprocessing.window import window_record, windowed_channels


def save_npy(path: str | Path, array: np.ndarray) -> None:
    """Write ``array`` to ``path`` via a temporary file, so a crash leaves no partial file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial.npy")
    np.save(tmp, array)
    os.replace(tmp, path)


def filter_record(config: dict, record: str, out_npy: str | Path) -> None:
    """Filter the windowed channels of ``record`` of ``data_dir`` (``config["filter"]``) into
    ``out_npy``: samples x channels at the filter's output rate."""
    # Imported here: scipy.signal takes about 1 s to import, which a window job need not pay.
    from signalrnn.preprocessing.filters import preprocess

    names = list(read_header(config["data_dir"], record).sig_name)
    channels = windowed_channels(config["window"]["channels"], names, record)
    signal = read_record(config["data_dir"], record, channels)
    done = preprocess(signal.signal, signal.fs_hz, config["filter"])
    if done.n_interpolated:
        print(f"filter: {record}: interpolated {done.n_interpolated} missing (invalid) samples", flush=True)
    if done.n_unusable:
        print(f"filter: {record}: {done.n_unusable / signal.fs_hz:.1f} channel-seconds missing or "
              f"flat for {config['filter']['flat_ms']} ms or more, marked unusable", flush=True)
    save_npy(out_npy, done.signal)
    print(f"filter: {record}: {done.signal.shape[0]} samples x {done.signal.shape[1]} channels "
          f"{channels} at {done.fs_hz} Hz (recorded at {signal.fs_hz} Hz)", flush=True)


def window_record_files(config: dict, record: str, *, filtered: str | Path, events: str | Path,
                        windows: str | Path, index: str | Path, dropped: str | Path) -> None:
    """Cut the windows of ``record``'s ``events`` (CSV) from its ``filtered`` signal (.npy) into
    ``windows`` (.npy), with their ``index`` (CSV) and the counts of ``dropped`` events (JSON)."""
    header = read_header(config["data_dir"], record)
    channels = windowed_channels(config["window"]["channels"], list(header.sig_name), record)
    table = pd.read_csv(events, dtype={"record": str, "patient": str, "channel": str}, keep_default_na=False)
    signal = np.load(filtered, mmap_mode="r")
    Path(windows).parent.mkdir(parents=True, exist_ok=True)
    kept, drops = window_record(signal, output_rate(config["filter"], float(header.fs)), channels,
                                table, config["window"], windows, record_fs_hz=float(header.fs))
    write_csv(kept, index)
    Path(dropped).write_text(json.dumps({"events": len(table), **drops}))
    print(f"window: {record}: {len(kept)} windows", flush=True)


def split_records(split_cfg: dict, records: list[str], events: list[Path], out_csv: str | Path) -> None:
    """Assign the ``records`` (their event tables ``events``) to train / val / test or folds by
    patient (``split_cfg``) and write the table to ``out_csv``."""
    patients = pd.concat(pd.read_csv(path, dtype={"record": str, "patient": str},
                                     usecols=["record", "patient"]).drop_duplicates() for path in events)
    unlabelled = sorted(set(records) - set(patients["record"]))
    if unlabelled:
        print(f"split: left out {len(unlabelled)} record(s) without labelled events: {unlabelled}",
              flush=True)
    table = split_table(patients, split_cfg)
    table.to_csv(out_csv, index=False)
    for keys, part in table.groupby(["fold", "split"] if "fold" in table else "split"):
        print(f"split: {keys}: patients {sorted(part['patient'].unique())}", flush=True)
