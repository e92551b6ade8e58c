"""WFDB record I/O: which records a config uses, their patients, and reading them with clear errors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import wfdb
from wfdb.io._signal import BYTES_PER_SAMPLE

from signalrnn.errors import SignalrnnError


@dataclass(frozen=True)
class Record:
    """One recording: ``signal`` is (samples, channels) float32 in physical units (mV)."""

    name: str
    signal: np.ndarray
    fs_hz: float
    channels: list[str]
    units: list[str]
    comments: list[str]


def simulated_record_names(n_patients: int, records_per_patient: int) -> list[str]:
    """Names of the records ``simulate`` writes: ``p01_r1``, ``p01_r2``, ..."""
    return [
        f"p{p:02d}_r{r}" for p in range(1, n_patients + 1) for r in range(1, records_per_patient + 1)
    ]


def split_list_names(split_cfg: dict) -> list[str]:
    """Records named by ``split.records`` that the split method uses (kfold: train and val only)."""
    if split_cfg["method"] == "patient" or "records" not in split_cfg:
        return []
    parts = ("train", "val") if split_cfg["method"] == "kfold" else ("train", "val", "test")
    return [r for part in parts for r in split_cfg["records"][part]]


def record_names(config: dict) -> list[str]:
    """Records a config uses: ``records``; else the simulated ones; else those the split lists name
    (``split_list_names``); else RECORDS / *.hea in data_dir; else the PhysioNet database's list."""
    if config["records"]:
        return list(config["records"])
    sim = config["simulate"]
    if sim["enabled"]:
        return simulated_record_names(sim["n_patients"], sim["records_per_patient"])
    listed = split_list_names(config["split"])
    if listed:
        return listed
    data_dir = Path(config["data_dir"])
    names = folder_record_names(data_dir)
    if not names and config["physionet_db"]:
        names = physionet_record_names(config["physionet_db"])
    if not names:
        raise SignalrnnError(
            f"{data_dir}: no WFDB records found (no RECORDS file, no .hea files); "
            "set data_dir to a folder of records, list them in records, or enable simulate"
        )
    return names


def record_batches(records: list[str], records_per_job: int) -> list[list[str]]:
    """``records`` in consecutive batches of at most ``records_per_job``, as even as possible
    (22 records at 16 per job: 11 + 11, not 16 + 6), so that the batches of one step finish
    together. One workflow job filters or windows one batch and pays its start-up once."""
    if records_per_job < 1:
        raise SignalrnnError(f"records_per_job is {records_per_job}; set it to 1 or more")
    n_batches = -(-len(records) // records_per_job)
    bounds = [len(records) * i // n_batches for i in range(n_batches + 1)]
    return [records[start:stop] for start, stop in pairwise(bounds)]


def folder_record_names(data_dir: str | Path) -> list[str]:
    """Records of a folder: those its RECORDS file lists, else one per .hea file."""
    listing = Path(data_dir) / "RECORDS"
    if listing.is_file():
        return [line.strip() for line in listing.read_text().splitlines() if line.strip()]
    return sorted(p.stem for p in Path(data_dir).glob("*.hea"))


def predict_record_names(config: dict) -> list[str]:
    """The new records that the predict rule classifies: ``predict.records``, else those of
    ``predict.records_dir`` (``folder_record_names``); none without that folder."""
    predict = config["predict"]
    if predict["records_dir"] is None:
        return []
    return list(predict["records"] or folder_record_names(predict["records_dir"]))


def physionet_record_names(database: str) -> list[str]:
    """The records of PhysioNet ``database`` (its RECORDS file, over the network)."""
    try:
        return list(wfdb.get_record_list(database))
    except Exception as exc:  # network and server errors come in many types
        raise SignalrnnError(
            f"physionet_db: cannot list the records of {database!r} ({type(exc).__name__}: {exc}); "
            "check the network, or list them in records"
        ) from None


def require_records(data_dir: str | Path, names: list[str]) -> None:
    """Raise SignalrnnError naming the records of ``names`` that have no header in ``data_dir``."""
    missing = [n for n in names if not (Path(data_dir) / f"{n}.hea").is_file()]
    if missing:
        raise SignalrnnError(
            f"{data_dir}: {len(missing)} of {len(names)} records are missing ({', '.join(missing[:8])}"
            f"{' ...' if len(missing) > 8 else ''}); point data_dir at a folder that holds them, or "
            "choose records / split.records among those present (split.method: kfold cross-validates "
            "on the train and val lists only)"
        )


def download_records(database: str, data_dir: str | Path, names: list[str],
                     annotation_extension: str | None) -> None:
    """Fetch ``names`` of PhysioNet ``database`` (headers, signals, annotations) into ``data_dir``."""
    try:
        wfdb.dl_database(database, str(data_dir), records=names,
                         annotators=[annotation_extension] if annotation_extension else None)
    except Exception as exc:  # network and server errors come in many types
        raise SignalrnnError(
            f"physionet_db: cannot download {database!r} into {data_dir} ({type(exc).__name__}: {exc}); "
            "check the network, or copy the records into data_dir yourself"
        ) from None


def patient_of(record: str, patient_regex: str) -> str:
    """Patient id of a record: the first group of ``patient_regex`` (or the whole match)."""
    match = re.search(patient_regex, record)
    if match is None:
        raise SignalrnnError(
            f"patient_regex: {patient_regex!r} does not match record {record!r}; "
            "fix the pattern so that every record name yields a patient id"
        )
    return match.group(1) if match.groups() else match.group(0)


def _header_path(data_dir: str | Path, name: str) -> Path:
    """``data_dir/name`` (no extension), after checking that its header file exists."""
    path = Path(data_dir) / name
    if not path.with_suffix(".hea").is_file():
        raise SignalrnnError(f"{path}.hea: header file not found; check data_dir and records")
    return path


def read_header(data_dir: str | Path, name: str) -> wfdb.Record:
    """Read the header of a WFDB record (rate, length, channel names, comments)."""
    path = _header_path(data_dir, name)
    try:
        return wfdb.rdheader(str(path))
    except Exception as exc:  # wfdb raises many types for broken files
        raise SignalrnnError(
            f"{path}.hea: cannot read WFDB header ({type(exc).__name__}: {exc}); re-export or remove it"
        ) from None


def require_one_rate(config: dict) -> None:
    """SignalrnnError when the records differ in sampling rate and ``filter.resample_hz`` does not
    bring them to one: their windows would differ in length."""
    if config["filter"]["resample_hz"] is not None:
        return
    first_at: dict[float, str] = {}
    for name in record_names(config):
        first_at.setdefault(float(read_header(config["data_dir"], name).fs), name)
    if len(first_at) > 1:
        rates = ", ".join(f"{name} at {fs_hz:g} Hz" for fs_hz, name in first_at.items())
        raise SignalrnnError(f"filter.resample_hz: the records differ in sampling rate ({rates}); "
                             "set filter.resample_hz to bring them to one rate")


def output_rate(filter_settings: dict, fs_hz: float) -> float:
    """Rate (Hz) of a record sampled at ``fs_hz`` after the filter step: ``resample_hz`` if set.
    (Here, not in filters.py, so that steps which only need the rate do not import scipy.signal.)"""
    return float(filter_settings["resample_hz"] or fs_hz)


def read_record(data_dir: str | Path, name: str, channels: list[str] | None = None) -> Record:
    """Read a WFDB record in physical units, only ``channels`` (names, in that order) if given;
    a missing or broken file raises SignalrnnError."""
    path = _header_path(data_dir, name)
    try:
        rec = wfdb.rdrecord(str(path), physical=True, channel_names=channels)
    except Exception as exc:  # wfdb raises many types for broken files
        raise SignalrnnError(
            _truncated_signal_message(path)
            or f"{path}: cannot read WFDB record ({type(exc).__name__}: {exc}); re-export or remove it"
        ) from None
    if rec.p_signal is None or rec.p_signal.ndim != 2 or rec.p_signal.shape[0] == 0:
        raise SignalrnnError(f"{path}: record has no samples; re-export or remove it")
    return Record(
        name=name,
        signal=rec.p_signal.astype(np.float32),
        fs_hz=float(rec.fs),
        channels=list(rec.sig_name),
        units=list(rec.units),
        comments=list(rec.comments or []),
    )


def _truncated_signal_message(path: Path) -> str | None:
    """The one-line error for a signal file shorter than its header says, naming both lengths in
    samples per channel; None when the header reads and every signal file is long enough."""
    try:
        header = wfdb.rdheader(str(path))
    except Exception:
        return None
    for file_name in dict.fromkeys(header.file_name or []):
        channels = [i for i, f in enumerate(header.file_name) if f == file_name]
        frame_bytes = sum(BYTES_PER_SAMPLE.get(header.fmt[i], 0) for i in channels)
        dat = path.parent / file_name
        if not frame_bytes or not dat.is_file() or header.sig_len is None:
            continue
        offset = (header.byte_offset or [0] * len(header.fmt))[channels[0]] or 0
        held = int((dat.stat().st_size - offset) // frame_bytes)
        if held < header.sig_len:
            return (f"{dat}: holds {held} samples per channel, but its header {path}.hea says "
                    f"{header.sig_len}: the .dat is shorter than its header says; re-export the record")
    return None


def read_annotation(data_dir: str | Path, name: str, extension: str) -> wfdb.Annotation:
    """Read ``<name>.<extension>``; a missing or broken file raises SignalrnnError."""
    path = Path(data_dir) / name
    if not path.with_suffix(f".{extension}").is_file():
        raise SignalrnnError(
            f"{path}.{extension}: annotation file not found; check annotation.extension"
        )
    try:
        return wfdb.rdann(str(path), extension)
    except Exception as exc:
        raise SignalrnnError(
            f"{path}.{extension}: cannot read annotations ({type(exc).__name__}: {exc})"
        ) from None
