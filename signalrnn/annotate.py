"""Annotations -> one event table: every labelled event with its record, patient, sample and channel."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import wfdb

from signalrnn.errors import SignalrnnError
from signalrnn.records import patient_of, read_annotation, record_names

EVENT_COLUMNS = ["record", "patient", "sample", "channel", "code", "label"]


def code_to_class(annotation_cfg: dict) -> dict[str, str]:
    """Invert ``annotation.classes`` (class -> codes); a code listed under two classes is an error."""
    mapping: dict[str, str] = {}
    for cls, codes in annotation_cfg["classes"].items():
        for code in codes:
            if code in mapping:
                raise SignalrnnError(
                    f"annotation.classes: code {code!r} is listed under both {mapping[code]!r} "
                    f"and {cls!r}; give each code one class"
                )
            mapping[code] = cls
    return mapping


def label_codes(codes: list[str], annotation_cfg: dict, where: str) -> list[str | None]:
    """Class of each code; None for ignored codes and, with ``unknown: drop``, unknown ones."""
    mapping = code_to_class(annotation_cfg)
    ignore = set(annotation_cfg["ignore"])
    unknown = sorted({c for c in codes if c not in mapping and c not in ignore})
    if unknown and annotation_cfg["unknown"] == "error":
        raise SignalrnnError(
            f"{where}: annotation codes {unknown} are not in annotation.classes; add them to a class, "
            "to annotation.ignore, or set annotation.unknown: drop"
        )
    return [mapping.get(c) for c in codes]


def record_events(config: dict, record: str) -> pd.DataFrame:
    """Labelled events of one record (columns EVENT_COLUMNS)."""
    cfg = config["annotation"]
    ann = read_annotation(config["data_dir"], record, cfg["extension"])
    header = wfdb.rdheader(str(Path(config["data_dir"]) / record))
    field = ann.symbol if cfg["source"] == "symbol" else ann.aux_note
    codes = [(c or "").strip() for c in (field or [""] * len(ann.sample))]
    where = f"{Path(config['data_dir']) / record}.{cfg['extension']}"
    labels = label_codes(codes, cfg, where)
    chans = ann.chan if ann.chan is not None else [0] * len(ann.sample)
    names = list(header.sig_name)
    rows = [
        (record, patient_of(record, config["patient_regex"]), int(s), names[int(ch)], code, label)
        for s, ch, code, label in zip(ann.sample, chans, codes, labels, strict=True)
        if label is not None
    ]
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def annotate_records(config: dict) -> pd.DataFrame:
    """Event table of every record the config uses, in record then sample order."""
    tables = []
    for record in record_names(config):
        events = record_events(config, record)
        print(f"annotate: {record}: {len(events)} events "
              f"({events['label'].value_counts().to_dict()})", flush=True)
        tables.append(events)
    return pd.concat(tables, ignore_index=True)
