"""WFDB record I/O: which records a config uses, their patients, and reading them with clear errors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import wfdb

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


def record_names(config: dict) -> list[str]:
    """Records a config uses: ``records``, else the simulated ones, else RECORDS / *.hea in data_dir."""
    if config["records"]:
        return list(config["records"])
    sim = config["simulate"]
    if sim["enabled"]:
        return simulated_record_names(sim["n_patients"], sim["records_per_patient"])
    data_dir = Path(config["data_dir"])
    listing = data_dir / "RECORDS"
    if listing.is_file():
        names = [line.strip() for line in listing.read_text().splitlines() if line.strip()]
    else:
        names = sorted(p.stem for p in data_dir.glob("*.hea"))
    if not names:
        raise SignalrnnError(
            f"{data_dir}: no WFDB records found (no RECORDS file, no .hea files); "
            "set data_dir to a folder of records or enable simulate"
        )
    return names


def patient_of(record: str, patient_regex: str) -> str:
    """Patient id of a record: the first group of ``patient_regex`` (or the whole match)."""
    match = re.search(patient_regex, record)
    if match is None:
        raise SignalrnnError(
            f"patient_regex: {patient_regex!r} does not match record {record!r}; "
            "fix the pattern so that every record name yields a patient id"
        )
    return match.group(1) if match.groups() else match.group(0)


def read_record(data_dir: str | Path, name: str) -> Record:
    """Read a WFDB record in physical units; a missing or broken file raises SignalrnnError."""
    path = Path(data_dir) / name
    if not path.with_suffix(".hea").is_file():
        raise SignalrnnError(f"{path}.hea: header file not found; check data_dir and records")
    try:
        rec = wfdb.rdrecord(str(path), physical=True)
    except Exception as exc:  # wfdb raises many types for broken files
        raise SignalrnnError(
            f"{path}: cannot read WFDB record ({type(exc).__name__}: {exc}); re-export or remove it"
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
