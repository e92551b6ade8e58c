"""Labelled events -> one event table: every event with its record, patient, sample and channel.

Events are anchored on annotations, detected QRS complexes or sliding windows (``events``);
their class codes come from annotation symbols or aux notes, the rhythm in force, a header
comment or a CSV table (``annotation.source``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import wfdb

from signalrnn.errors import SignalrnnError
from signalrnn.io.records import (
    patient_of,
    read_annotation,
    read_header,
    read_record,
    record_names,
    require_one_rate,
)
from signalrnn.io.tables import write_csv
from signalrnn.preprocessing.window import window_samples

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


def needs_annotation_file(config: dict) -> bool:
    """Whether events or labels come from each record's annotation file."""
    return (config["events"]["source"] == "annotations"
            or config["annotation"]["source"] in ("symbol", "aux_note", "rhythm"))


def rhythm_changes(ann: wfdb.Annotation) -> tuple[np.ndarray, list[str]]:
    """Samples and codes of the rhythm changes: aux notes such as ``(AFIB`` that start with '('."""
    notes = [(note or "").strip("\x00 ") for note in (ann.aux_note or [""] * len(ann.sample))]
    changes = [(int(s), note) for s, note in zip(ann.sample, notes, strict=True) if note.startswith("(")]
    return np.array([s for s, _ in changes], dtype=int), [note for _, note in changes]


def rhythm_codes(samples: np.ndarray, n_pre: int, n_post: int, change_samples: np.ndarray,
                 change_codes: list[str]) -> list[str | None]:
    """Rhythm in force over each window [s - n_pre, s + n_post).

    A rhythm holds from its change annotation up to the next one. A window that straddles a
    change, or begins before the first rhythm annotation, gets None (it is dropped).
    """
    samples = np.asarray(samples, dtype=int)
    first = np.searchsorted(change_samples, samples - n_pre, side="right") - 1
    last = np.searchsorted(change_samples, samples + n_post - 1, side="right") - 1
    return [change_codes[a] if a == b and a >= 0 else None for a, b in zip(first, last, strict=True)]


def header_code(comments: list[str], pattern: str, where: str) -> str:
    """First group of ``pattern`` (or its whole match) in the first header comment it matches."""
    for comment in comments:
        match = re.search(pattern, comment)
        if match:
            return (match.group(1) if match.groups() else match.group(0)).strip()
    raise SignalrnnError(f"{where}: no header comment matches annotation.header_pattern "
                         f"{pattern!r}; fix the pattern or label the records through a table")


def label_table(path: str | Path) -> dict[str, str]:
    """Record -> code from a CSV file with columns record and label."""
    try:
        table = pd.read_csv(path, dtype=str)
    except FileNotFoundError:
        raise SignalrnnError(f"{path}: annotation.table not found; name an existing CSV file") from None
    missing = {"record", "label"} - set(table.columns)
    if missing:
        raise SignalrnnError(f"{path}: annotation.table lacks column(s) {sorted(missing)}; "
                             "it needs columns record and label")
    return dict(zip(table["record"].str.strip(), table["label"].str.strip(), strict=True))


def event_anchors(config: dict, record: str, header: wfdb.Record,
                  ann: wfdb.Annotation | None) -> tuple[np.ndarray, list[str]]:
    """Samples (at the record's rate) and channel names of a record's events, per ``events.source``."""
    # detect is imported where events are detected: it imports scipy.signal (about 1 s), which
    # annotated events never need, and this module is imported by every Snakemake run.
    events, names = config["events"], list(header.sig_name)
    if events["source"] == "annotations":
        chans = ann.chan if ann.chan is not None else np.zeros(len(ann.sample), dtype=int)
        return np.asarray(ann.sample, dtype=int), [names[int(c)] for c in chans]
    if events["source"] == "qrs":
        from signalrnn.data.detect import qrs_samples

        channel = events["qrs_channel"] or names[0]
        if channel not in names:
            raise SignalrnnError(f"{record}: events.qrs_channel {channel!r} is not in the record "
                                 f"(it has {names}); name one of its channels")
        signal = read_record(config["data_dir"], record).signal[:, names.index(channel)]
        samples = qrs_samples(signal, float(header.fs))
        return samples, [channel] * len(samples)
    from signalrnn.data.detect import sliding_samples

    n_pre, n_post = window_samples(float(header.fs), config["window"]["pre_ms"],
                                   config["window"]["post_ms"])
    step = max(1, round(events["step_ms"] * float(header.fs) / 1000))
    samples = sliding_samples(header.sig_len, n_pre, n_post, step)
    return samples, [""] * len(samples)


def event_codes(config: dict, record: str, header: wfdb.Record, ann: wfdb.Annotation | None,
                samples: np.ndarray, table: dict[str, str] | None) -> list[str | None]:
    """Class code of each event, per ``annotation.source``; None where an event has no code."""
    cfg = config["annotation"]
    if cfg["source"] in ("symbol", "aux_note"):
        field = ann.symbol if cfg["source"] == "symbol" else ann.aux_note
        return [(c or "").strip() for c in (field or [""] * len(samples))]
    if cfg["source"] == "rhythm":
        change_samples, change_codes = rhythm_changes(ann)
        if len(change_samples) or cfg["rhythm_fallback"] is None:
            n_pre, n_post = window_samples(float(header.fs), config["window"]["pre_ms"],
                                           config["window"]["post_ms"])
            return rhythm_codes(samples, n_pre, n_post, change_samples, change_codes)
        return [record_code(config, record, header, table, cfg["rhythm_fallback"])] * len(samples)
    return [record_code(config, record, header, table, cfg["source"])] * len(samples)


def record_code(config: dict, record: str, header: wfdb.Record, table: dict[str, str] | None,
                source: str) -> str:
    """The one code of a whole record, from its header comments (``source`` header, through
    annotation.header_pattern) or its row of annotation.table (``source`` table)."""
    cfg = config["annotation"]
    if source == "header":
        return header_code(header.comments or [], cfg["header_pattern"],
                           f"{Path(config['data_dir']) / record}.hea")
    if record not in table:
        raise SignalrnnError(f"{cfg['table']}: no row for record {record!r}; add one or drop the "
                             "record from records")
    return table[record]


def code_source(config: dict, record: str) -> str:
    """The file a record's class codes come from, for error messages."""
    cfg, path = config["annotation"], Path(config["data_dir"]) / record
    return {"header": f"{path}.hea", "table": str(cfg["table"])}.get(
        cfg["source"], f"{path}.{cfg['extension']}")


def record_events(config: dict, record: str, table: dict[str, str] | None = None) -> pd.DataFrame:
    """Labelled events of one record (columns EVENT_COLUMNS); ``table`` is annotation.table read."""
    data_dir = config["data_dir"]
    header = read_header(data_dir, record)
    ann = (read_annotation(data_dir, record, config["annotation"]["extension"])
           if needs_annotation_file(config) else None)
    samples, channels = event_anchors(config, record, header, ann)
    codes = event_codes(config, record, header, ann, samples, table)
    coded = [i for i, c in enumerate(codes) if c is not None]
    labels = label_codes([codes[i] for i in coded], config["annotation"], code_source(config, record))
    patient = patient_of(record, config["patient_regex"])
    rows = [(record, patient, int(samples[i]), channels[i], codes[i], label)
            for i, label in zip(coded, labels, strict=True) if label is not None]
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def annotated_records(config: dict) -> Iterator[tuple[str, pd.DataFrame]]:
    """(record, its event table) for every record the config uses, in record order."""
    table_path = config["annotation"]["table"]
    by_table = "table" in (config["annotation"]["source"], config["annotation"]["rhythm_fallback"])
    table = label_table(table_path) if by_table else None
    for record in record_names(config):
        events = record_events(config, record, table)
        print(f"annotate: {record}: {len(events)} events "
              f"({events['label'].value_counts().to_dict()})", flush=True)
        yield record, events


def write_event_tables(config: dict, events_csv: Callable[[str], Path]) -> None:
    """Write every record's event table to ``events_csv(record)``, once all records are read and
    checked (one sampling rate, known codes), so that a bad record leaves no tables behind."""
    require_one_rate(config)
    of_record = dict(annotated_records(config))
    for record, events in of_record.items():
        events_csv(record).parent.mkdir(parents=True, exist_ok=True)
        write_csv(events, events_csv(record))
