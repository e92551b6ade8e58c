"""Annotate new recordings with a trained model: record -> filter -> events -> windows -> classes.

Everything is preprocessed as in training, from the model's ``model.json``; a record sampled at
another rate is resampled to the model's first, while the samples and times written stay at the
record's own rate, so the annotations open over the original record. Long records are
read, filtered and windowed in blocks of at most BLOCK_VALUES samples x channels (97 min of
one channel at 360 Hz, 2 min of 16 channels at 1 kHz), each with MARGIN_S seconds of signal
either side, so that the zero-phase filters see the same context as on the whole record; the
windows wait in a scratch memory map for the model, so memory stays bounded. Per record,
``<out>/<record>.pred`` holds one WFDB annotation per event and ``<out>/<record>.csv`` the
sample, time, channel (with its ``x_mm``, ``y_mm`` when the model carries an electrode layout),
class, every class probability, and the peak-to-peak amplitude of the
event's filtered window with the ``units`` its channel has in the header (``mV``, or ``NU`` for
an uncalibrated recording such as IAFDB's).

Annotation symbols: a rhythm model (sliding windows) writes WFDB rhythm annotations, ``+`` with
the aux note ``(<class>``; otherwise each event gets the first of its class's codes that is a
WFDB symbol (``V`` for the AAMI class VEB), else ``"`` (a note), and its class name as aux note.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keras
import mlflow
import numpy as np
import pandas as pd
import wfdb
from wfdb.io.annotation import ann_label_table

from signalrnn.data.detect import (
    activation_samples,
    bipolar_activation_samples,
    qrs_samples,
    sliding_samples,
    surface_qrs_samples,
)
from signalrnn.errors import SignalrnnError
from signalrnn.io.records import output_rate, read_annotation, read_header
from signalrnn.io.tables import write_csv
from signalrnn.mapping.geometry import layout_from_json
from signalrnn.model.build import apply_premature_gate, build_model
from signalrnn.model.metadata import load_model, model_metadata, read_model_metadata
from signalrnn.preprocessing.filters import preprocess, resample_ratio
from signalrnn.preprocessing.window import (
    PREMATURITY,
    RR_COLUMNS,
    channel_indices,
    chosen_channel,
    extract_windows,
    inside_record,
    median_window,
    n_window_channels,
    normalize,
    rr_features,
    usable_windows,
    window_samples,
    with_median_difference,
)

BLOCK_VALUES = 2**21  # samples x channels read, filtered and windowed at once (16 MiB as float64)
MARGIN_S = 10.0  # extra seconds either side of a block: filter transients and windows stay inside
EXTENSION = "pred"
WFDB_SYMBOLS = set(ann_label_table["symbol"])


@dataclass(frozen=True)
class TrainedModel:
    """A Keras model and its ``model.json`` (see ``model.metadata.model_metadata``)."""

    model: keras.Model
    meta: dict


def load_trained_model(uri: str, tracking_uri: str = "sqlite:///mlflow.db") -> TrainedModel:
    """The model at ``uri``: a model.keras file with model.json beside it, or ``models:/name@alias``
    (or ``models:/name/version``) in the MLflow registry at ``tracking_uri``, whose metadata is the
    ``model_meta/model.json`` artifact of the run that logged the version."""
    model_path, meta_path = (_download_registered(uri, tracking_uri) if uri.startswith("models:/")
                             else (Path(uri), Path(uri).with_name("model.json")))
    meta = read_model_metadata(meta_path)
    model = load_model(model_path)
    if meta.get("features") and meta["features"] != RR_COLUMNS:
        raise SignalrnnError(f"{meta_path}: the model takes the RR features {meta['features']}, this "
                             f"version computes {RR_COLUMNS}; retrain it (snakemake reruns train)")
    return TrainedModel(model, meta)


def untrained_model(config: dict, record: Path) -> TrainedModel:
    """A model of ``config``'s architecture with random weights, and the model.json that train
    would write for records like ``record`` (a path without extension): predict's plumbing and
    speed without training a model (tests, bench_predict.py)."""
    win, header = config["window"], read_header(record.parent, record.name)
    fs_hz = output_rate(config["filter"], float(header.fs))
    shape = (sum(window_samples(fs_hz, win["pre_ms"], win["post_ms"])),
             n_window_channels(win, list(header.sig_name)) * (1 + win["median_difference"]))
    n_features = len(RR_COLUMNS) if win["rr_features"] else 0
    model = build_model(*shape, len(config["annotation"]["classes"]), config["model"], 1e-3,
                        n_features=n_features)
    meta = model_metadata(config | {"data_dir": str(record.parent)}, shape, n_features, record.name, fs_hz)
    return TrainedModel(model, json.loads(json.dumps(meta)))  # as read back from model.json


def _download_registered(uri: str, tracking_uri: str) -> tuple[Path, Path]:
    """Download a registered model version and its run's model.json; return both paths."""
    name, _, ref = uri.removeprefix("models:/").partition("@")
    client = mlflow.MlflowClient(tracking_uri)
    try:
        version = (client.get_model_version_by_alias(name, ref) if ref
                   else client.get_model_version(*name.split("/", 1)))
        folder = Path(tempfile.mkdtemp(prefix="signalrnn-model-"))
        mlflow.set_tracking_uri(tracking_uri)
        model_dir = Path(mlflow.artifacts.download_artifacts(uri, dst_path=str(folder / "model")))
        meta = Path(mlflow.artifacts.download_artifacts(
            run_id=version.run_id, artifact_path="model_meta/model.json", dst_path=str(folder)))
    except Exception as exc:  # MLflow raises many types for unknown names, aliases and stores
        raise SignalrnnError(f"{uri}: cannot fetch the model from {tracking_uri} "
                             f"({type(exc).__name__}: {str(exc).splitlines()[0]})") from None
    found = sorted(model_dir.rglob("*.keras"))
    if not found:
        raise SignalrnnError(f"{uri}: the logged model holds no .keras file; log it with "
                             "signalrnn evaluate (MLflow tensorflow flavour)")
    return found[0], meta


def default_events(meta: dict) -> str:
    """Where events of an unannotated record come from: as in training, with annotations replaced
    by the detector ``events.detector``."""
    source = meta["events"]["source"]
    return meta["events"]["detector"] if source == "annotations" else source


#: Names of surface ECG leads (limb, augmented and precordial leads, MIT-BIH's modified leads,
#: "ECG..."): predict never reads them as electrograms unless they are named (``--channels``).
SURFACE_LEADS = re.compile(r"(I|II|III|aVR|aVL|aVF|V[1-6]|MLI{1,3}|ECG.*)", re.IGNORECASE)


def is_surface_lead(name: str) -> bool:
    """True if the channel ``name`` is a surface ECG lead (SURFACE_LEADS), e.g. II, aVF, V1, ECG2."""
    return SURFACE_LEADS.fullmatch(name.strip()) is not None


def qrs_lead(channels: list[str]) -> str | None:
    """The surface lead whose QRS complexes mark ventricular activation beside electrograms:
    lead II if the record has it, else its first surface lead; None without one."""
    leads = [c for c in channels if is_surface_lead(c)]
    return "II" if "II" in leads else (leads[0] if leads else None)


def model_channels(meta: dict, record_channels: list[str], where: str,
                   named: list[str] | None = None) -> list[str]:
    """Channels of a record that predict reads, in the model's order; SignalrnnError if one is
    missing.

    ``named`` (``--channels``): exactly these record channels, which for a model of several
    channels stand in for the model's own, in its order. Otherwise the channels the model was
    trained for: its ``window.channels`` list (of an entry with alternatives, the first the record
    has), or ``record_channels`` of its training record for
    ``all``; for ``annotated`` (one channel per event) those of its training record's channels
    that this record has, without surface ECG leads (``is_surface_lead``) unless the model finds
    its events with the QRS detector (an ECG model).
    """
    choice = meta["window"]["channels"]
    trained = (meta["record_channels"] if choice in ("all", "annotated")
               else [chosen_channel(entry, record_channels) or entry for entry in choice])
    if named is not None:
        missing = [c for c in named if c not in record_channels]
        if missing:
            raise SignalrnnError(f"{where}: channel(s) {missing} named with --channels are not in the "
                                 f"record (it has {record_channels}); name some of these")
        if choice != "annotated" and len(named) != len(trained):
            raise SignalrnnError(f"{where}: the model reads {len(trained)} channel(s) {trained} together; "
                                 f"--channels names {len(named)}: name as many, in that order")
        return list(named)
    if choice == "annotated":
        ecg_model = default_events(meta) == "qrs"
        wanted = [c for c in record_channels if c in trained and (ecg_model or not is_surface_lead(c))]
        if not wanted:
            electrograms = [c for c in record_channels if not is_surface_lead(c)] or record_channels
            raise SignalrnnError(f"{where}: none of the channels the model was trained on ({trained}) is in "
                                 f"the record (it has {record_channels}); name the electrogram channels to "
                                 f"classify with --channels, e.g. --channels {','.join(electrograms)}")
        return wanted
    missing = [c for c in trained if c not in record_channels]  # an unmatched list of alternatives too
    if missing:
        raise SignalrnnError(f"{where}: channel(s) {missing} that the model reads are not in the record "
                             f"(it has {record_channels}); name the record's channels to read in their "
                             f"place with --channels (in the model's order {trained}) or pick another model")
    return list(trained)


def model_filter(meta: dict) -> dict:
    """The model's filter settings, with every record resampled to the model's rate ``fs_hz``
    first (scipy's polyphase ``resample_poly``, as ``filter.resample_hz`` does in training): a
    record sampled at another rate than the training records is filtered, detected and windowed
    at the rate the model knows. Event samples stay at the record's own rate."""
    return {**meta["filter"], "resample_hz": meta["fs_hz"]}


@dataclass(frozen=True)
class Block:
    """``core`` = [start, stop) record samples classified in this block; ``signal`` covers record
    samples [first, ...) at the model's rate (resampled and filtered) or the record's (raw)."""

    start: int
    stop: int
    first: int
    signal: np.ndarray


def read_blocks(path: Path, header: wfdb.Record, channels: list[str], meta: dict,
                filtered: bool = True, block_values: int = BLOCK_VALUES) -> Iterator[Block]:
    """The record at ``path`` (no extension) in blocks of at most ``block_values`` samples x
    channels with MARGIN_S s either side, resampled to the model's rate and filtered as in
    training (``model_filter``; or raw, ``filtered=False``). Blocks are few and large because
    wfdb parses the header again for every read (3 ms) and the filter is designed again for
    every block.

    Block edges fall on multiples of the resampling factor's denominator, so that every block's
    resampled samples line up with those of the whole record.
    """
    fs, n = float(header.fs), int(header.sig_len)
    step = resample_ratio(fs, meta["fs_hz"]).denominator
    block = max(1, block_values // len(channels) // step) * step
    margin = int(np.ceil(MARGIN_S * fs / step)) * step
    index = [list(header.sig_name).index(c) for c in channels]
    for start in range(0, n, block):
        stop, first, last = min(n, start + block), max(0, start - margin), min(n, start + block + margin)
        try:
            raw = wfdb.rdrecord(str(path), sampfrom=first, sampto=last, channels=index,
                                physical=True).p_signal
        except Exception as exc:  # wfdb raises many types for broken files
            raise SignalrnnError(f"{path}: cannot read WFDB record ({type(exc).__name__}: {exc}); "
                                 "re-export or remove it") from None
        if filtered:
            raw = preprocess(raw, fs, {"flat_ms": None, **model_filter(meta)}).signal
        yield Block(start, stop, first, raw)


def record_events(meta: dict, path: Path, header: wfdb.Record, channels: list[str],
                  source: str) -> pd.DataFrame:
    """Events of a record (columns sample, channel; samples at the record's rate) from ``source``."""
    fs, names = float(header.fs), list(header.sig_name)
    if source == "annotations":
        found = annotation_events(meta, path, names)
        if meta["window"]["channels"] == "annotated":  # events on other channels are not classified
            found = found[found["channel"].isin(channels)].reset_index(drop=True)
        return found
    if source == "sliding":
        n_pre, n_post = window_samples(fs, meta["window"]["pre_ms"], meta["window"]["post_ms"])
        samples = sliding_samples(int(header.sig_len), n_pre, n_post,
                                  max(1, round(meta["events"]["step_ms"] * fs / 1000)))
        return pd.DataFrame({"sample": samples, "channel": ""})
    if source == "qrs":
        detect_on = [meta["events"]["qrs_channel"] or channels[0]]
        if detect_on[0] not in names:
            raise SignalrnnError(f"{path}: QRS channel {detect_on[0]!r} is not in the record (it has "
                                 f"{names}); pick a model trained on this lead")
    else:
        detect_on = channels if meta["window"]["channels"] == "annotated" else channels[:1]
    lead = qrs_lead(names) if source == "bipolar" else None  # where the ventricles activate
    read = detect_on + ([lead] if lead and lead not in detect_on else [])
    found = []
    # XQRS and the bipolar detector filter the raw record themselves; activations are found on
    # the signal as the model sees it.
    for block in read_blocks(path, header, read, meta, filtered=source == "activations"):
        rate = meta["fs_hz"] if source == "activations" else fs
        qrs = surface_qrs_samples(np.nan_to_num(block.signal[:, read.index(lead)]), rate) if lead else None
        for i, channel in enumerate(detect_on):
            signal = np.nan_to_num(block.signal[:, i])
            if source == "qrs":
                local = qrs_samples(block.signal[:, i], fs)
            elif source == "bipolar":
                local = bipolar_activation_samples(signal, rate, qrs)
            else:
                local = activation_samples(signal, rate, meta["events"]["refractory_ms"])
            samples = block.first + np.round(local * fs / rate).astype(int)
            samples = samples[(samples >= block.start) & (samples < block.stop)]
            found.append(pd.DataFrame({"sample": samples, "channel": channel}))
    return pd.concat(found).sort_values(["sample", "channel"], ignore_index=True)


def annotation_events(meta: dict, path: Path, names: list[str]) -> pd.DataFrame:
    """The record's own annotations as events, without those whose code annotation.ignore lists."""
    cfg = meta["annotation"]
    ann = read_annotation(path.parent, path.name, cfg["extension"])
    field = ann.aux_note if cfg["source"] == "aux_note" else ann.symbol
    codes = [(c or "").strip("\x00 ") for c in (field or [""] * len(ann.sample))]
    chans = ann.chan if ann.chan is not None else np.zeros(len(ann.sample), dtype=int)
    keep = [c not in set(cfg["ignore"]) for c in codes]
    return pd.DataFrame({"sample": np.asarray(ann.sample, dtype=int)[keep],
                         "channel": [names[int(c)] for c in np.asarray(chans)[keep]]})


def classify(trained: TrainedModel, path: Path, header: wfdb.Record, channels: list[str],
             events: pd.DataFrame, batch_size: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities (n_events, n_classes) of ``events``, after the model's premature gate
    if it has one, and the peak-to-peak amplitude of each event's filtered window (record units);
    NaN for events whose window runs past either end of the record or touches missing or flat
    signal.

    All windows are gathered first (``record_windows``), so that with
    ``window.median_difference`` the record's median window is known before the model runs, as
    in the window step. The model then takes them batch by batch through ``predict_on_batch``:
    ``model.predict`` sets up a data pipeline on every call (bench_predict.py)."""
    meta = trained.meta
    features = (rr_features(events["sample"].to_numpy(), float(header.fs), meta["window"]["rr_local_beats"],
                            meta["window"]["rr_short_beats"]) if meta["features"] else None)
    probs = np.full((len(events), len(meta["classes"])), np.nan, dtype=np.float32)
    amplitude = np.full(len(events), np.nan)
    with tempfile.TemporaryDirectory(prefix="signalrnn-predict-") as scratch:
        rows, windows, peak_to_peak = record_windows(meta, path, header, channels, events,
                                                     Path(scratch) / "windows.npy")
        amplitude[rows] = peak_to_peak
        usual = median_window(windows) if meta["window"]["median_difference"] and len(rows) else None
        print(f"predict: {path.name}: classifying {len(rows)} windows", flush=True)
        for start in range(0, len(rows), batch_size):
            part = rows[start:start + batch_size]
            batch = with_median_difference(np.asarray(windows[start:start + batch_size]), usual)
            inputs = batch if features is None else {"window": batch, "rr": features[part]}
            probs[part] = np.asarray(trained.model.predict_on_batch(inputs))
        del windows  # the memory map, before its folder goes
    if meta.get("premature_gate"):
        probs = apply_premature_gate(probs, features[:, RR_COLUMNS.index(PREMATURITY)],
                                     meta["premature_gate"], meta["classes"])
    return probs, amplitude


def record_windows(meta: dict, path: Path, header: wfdb.Record, channels: list[str],
                   events: pd.DataFrame, scratch: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The normalised windows (n, samples, channels) of the ``events`` whose window lies inside
    the record on usable signal, read block by block into a memory map at ``scratch`` (memory
    stays bounded on long records), the rows of ``events`` they belong to, and each window's
    peak-to-peak amplitude on its first channel after filtering, in the record's units."""
    fs = float(header.fs)
    fs_out = meta["fs_hz"]
    n_pre, n_post = window_samples(fs_out, meta["window"]["pre_ms"], meta["window"]["post_ms"])
    chans = channel_indices(events, channels, "annotated" if meta["window"]["channels"] == "annotated"
                            else "all", path.name)
    windows = np.lib.format.open_memmap(scratch, mode="w+", dtype=np.float32,
                                        shape=(len(events), n_pre + n_post, chans.shape[1]))
    samples, found, peak_to_peak, n_found = events["sample"].to_numpy(), [], [], 0
    for block in read_blocks(path, header, channels, meta):
        rows = np.flatnonzero((samples >= block.start) & (samples < block.stop))
        centres = np.round(samples[rows] * fs_out / fs).astype(int) - round(block.first * fs_out / fs)
        inside = inside_record(centres, n_pre, n_post, len(block.signal))
        rows, centres = rows[inside], centres[inside]
        usable = usable_windows(block.signal, centres, chans[rows], n_pre, n_post)
        rows, centres = rows[usable], centres[usable]
        filtered = extract_windows(block.signal, centres, chans[rows], n_pre, n_post)
        peak_to_peak.append(np.ptp(filtered[:, :, 0], axis=1))
        windows[n_found:n_found + len(rows)] = normalize(filtered, meta["window"]["normalize"])
        found.append(rows)
        n_found += len(rows)
        print(f"predict: {path.name}: {block.stop / fs / 60:.1f} of {header.sig_len / fs / 60:.1f} min read, "
              f"{int((samples < block.stop).sum())} events", flush=True)
    return (np.concatenate([np.zeros(0, dtype=int), *found]), windows[:n_found],
            np.concatenate([np.zeros(0), *peak_to_peak]))


def annotation_labels(meta: dict, classes: list[str], rhythm: bool) -> tuple[list[str], list[str]]:
    """WFDB symbols and aux notes of annotations of ``classes`` (see the module docstring)."""
    if rhythm:
        return ["+"] * len(classes), [f"({c}" for c in classes]
    codes = meta["annotation"]["classes"]
    symbols = [next((code for code in codes[c] if code in WFDB_SYMBOLS), '"') for c in classes]
    return symbols, list(classes)


def predict_record(trained: TrainedModel, path: str | Path, out_dir: str | Path,
                   events: str | None = None, channels: list[str] | None = None) -> pd.DataFrame:
    """Classify the events of the WFDB record at ``path`` (no extension); write ``<record>.pred``
    (WFDB annotations) and ``<record>.csv`` to ``out_dir``; return the table.

    ``events``: one of cli.EVENT_SOURCES; None = as in training (``default_events``).
    ``channels``: the record's channels to classify (``--channels``); None = those the model was
    trained for (``model_channels``).
    """
    path, out_dir, meta = Path(path), Path(out_dir), trained.meta
    header = read_header(path.parent, path.name)
    channels = model_channels(meta, list(header.sig_name), f"{path}.hea", channels)
    source = events or default_events(meta)
    table = record_events(meta, path, header, channels, source)
    probs, peak_to_peak = classify(trained, path, header, channels, table)
    kept = ~np.isnan(probs).any(axis=1)
    table, probs, peak_to_peak = table[kept].reset_index(drop=True), probs[kept], peak_to_peak[kept]
    classes = meta["classes"]
    predicted = [classes[i] for i in probs.argmax(axis=1)]
    units = dict(zip(header.sig_name, header.units, strict=True))
    table = table.assign(time_s=(table["sample"] / float(header.fs)).round(4), **{"class": predicted},
                         **{f"p_{c}": probs[:, i].round(4) for i, c in enumerate(classes)},
                         peak_to_peak=peak_to_peak.round(4),
                         units=[units.get(c, units[channels[0]]) for c in table["channel"]])
    table, position_columns = with_positions(meta, table, path.name)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(table[["sample", "time_s", "channel", *position_columns, "class",
                     *[f"p_{c}" for c in classes], "peak_to_peak", "units"]],
              out_dir / f"{path.name}.csv")
    write_annotations(meta, table, header, out_dir, path.name, rhythm=source == "sliding")
    counts = table["class"].value_counts().to_dict()
    print(f"predict: {path.name}: {len(table)} events from {source} -> {out_dir / path.name}.{EXTENSION} "
          f"{counts}", flush=True)
    return table


def with_positions(meta: dict, table: pd.DataFrame, record: str) -> tuple[pd.DataFrame, list[str]]:
    """``table`` with the position (``x_mm``, ``y_mm``, mm) of each row's channel in the model's
    electrode layout, and the names of the columns added; none for a model without a layout (a
    model.json written before layouts travelled with the model, or a config without one). A
    channel the layout lacks keeps empty positions, and a line names it."""
    if not meta.get("electrode_layout"):
        return table, []
    layout, _ = layout_from_json(meta["electrode_layout"], "model.json")
    where = table["channel"].map(layout.index)
    unplaced = sorted(set(table.loc[where.isna(), "channel"]))
    if unplaced:
        print(f"predict: {record}: channel(s) {unplaced} are not in the model's electrode layout "
              f"({layout.source}); their x_mm, y_mm stay empty", flush=True)
    positions = layout.positions_mm[where.fillna(0).to_numpy(int)]
    placed = where.notna().to_numpy()
    return table.assign(x_mm=np.where(placed, positions[:, 0], np.nan).round(4),
                        y_mm=np.where(placed, positions[:, 1], np.nan).round(4)), ["x_mm", "y_mm"]


def write_annotations(meta: dict, table: pd.DataFrame, header: wfdb.Record, out_dir: Path,
                      record: str, rhythm: bool) -> None:
    """``out_dir/<record>.pred``: one annotation per row of ``table``, labelled with its class."""
    symbols, notes = annotation_labels(meta, meta["classes"], rhythm)
    index = table["class"].map({c: i for i, c in enumerate(meta["classes"])}).to_numpy()
    names = list(header.sig_name)
    chan = np.array([names.index(c) if c in names else 0 for c in table["channel"]], dtype=int)
    wfdb.wrann(record, EXTENSION, table["sample"].to_numpy(dtype=int),
               symbol=[symbols[i] for i in index], aux_note=[notes[i] for i in index], chan=chan,
               fs=float(header.fs), write_dir=str(out_dir))
