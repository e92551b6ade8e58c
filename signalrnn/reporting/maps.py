"""``signalrnn map``: tables, figures and a self-contained HTML mapping report of one recording.

From the CSV that ``signalrnn predict`` wrote for a record (one row per classified potential),
the record itself (its channels are checked against the electrode layout; its signal gives the
clinical indices) and the layout, under ``<out>/``:

- ``lat.csv`` (LAT per map and electrode, ms), ``electrodes.csv`` (per electrode: class shares,
  marks, block share and the clinical indices of :func:`signalrnn.measures.egm_indices`),
  ``block.csv`` (blocked adjacent pairs per map), ``velocity.csv`` (CV vectors, cm/s);
- ``figures/``: LAT maps with isochrones and block lines, CV arrows, class shares, indices;
- ``report.html``: all of it in one file (images inlined, nothing fetched; prints to PDF).

Definitions and references: :mod:`signalrnn.mapping.maps` and docs/maps.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from signalrnn.errors import SignalrnnError
from signalrnn.io.records import read_header, read_record
from signalrnn.io.tables import write_csv
from signalrnn.mapping.geometry import ElectrodeLayout, given_layout, layout_from_config, layout_from_json
from signalrnn.mapping.maps import (
    DOUBLE,
    FRACTIONATED,
    RecordingMaps,
    block_table,
    electrode_table,
    lat_table,
    recording_maps,
    representative_maps,
    velocity_table,
)
from signalrnn.measures.summary import egm_indices
from signalrnn.model.metadata import read_model_metadata
from signalrnn.reporting.map_figures import indices_figure, lat_figure, shares_figure, velocity_figure
from signalrnn.reporting.render import render

PREDICTION_COLUMNS = ("sample", "channel", "class")
INDEX_COLUMNS = ("dominant_frequency_hz", "organisation_index", "regularity_index", "cfe_mean_ms",
                 "icl", "aci_ms", "entropy_bits")
TABLES = ("lat", "electrodes", "block", "velocity")
FIGURES = ("lat_maps", "velocity", "class_shares", "indices")


@dataclass(frozen=True)
class MapOutputs:
    """Where the map step writes one recording's outputs (folder ``root``)."""

    root: Path

    def table(self, name: str) -> Path:
        return self.root / f"{name}.csv"

    def figure(self, name: str) -> Path:
        return self.root / "figures" / f"{name}.png"

    @property
    def report(self) -> Path:
        return self.root / "report.html"


def map_layout(config: dict, model: str | Path | None = None) -> tuple[ElectrodeLayout, dict]:
    """The electrode layout of ``signalrnn map`` and the config's ``mapping`` settings to draw with.

    The layout the config's ``mapping`` section gives (``layout_csv`` or ``array_shape``) comes
    first; else the one the model was trained with (``electrode_layout`` of its model.json, with
    its ``adjacent_mm`` and ``velocity_radius_mm`` where the config leaves them null); else the
    simulator's array (``simulate.array_shape``, ``simulate.electrode_spacing_mm``). A model.json
    without a layout (written before layouts travelled with the model, or trained without one)
    falls back to the simulator's array, and a line says so.

    Parameters
    ----------
    config
        The config (``mapping`` and ``simulate`` sections).
    model
        The model whose predictions are mapped: its model.keras (model.json beside it) or its
        model.json; None = none.

    Returns
    -------
    tuple
        The layout and the ``mapping`` settings (a copy, adjacency filled from the model).
    """
    mapping = dict(config["mapping"])
    if model is None or given_layout(mapping):
        return layout_from_config(mapping, config["simulate"]), mapping
    entry = read_model_metadata(model).get("electrode_layout")
    if not entry:
        layout = layout_from_config(mapping, config["simulate"])
        print(f"map: {model}: its model.json carries no electrode layout; using the {layout.source} "
              "of the config (set mapping.layout_csv or mapping.array_shape to choose another)", flush=True)
        return layout, mapping
    layout, adjacency = layout_from_json(entry, f"{model}")
    return layout, mapping | {key: value for key, value in adjacency.items() if mapping[key] is None}


def read_predictions(path: Path, fs_hz: float) -> tuple[pd.DataFrame, list[str]]:
    """The potentials of a predict CSV (channel, activation_ms from the sample, class) and its
    classes (from the ``p_<class>`` columns, in order)."""
    if not path.is_file():
        raise SignalrnnError(f"{path}: no such predictions file; run signalrnn predict on the record first")
    table = pd.read_csv(path, dtype={"channel": str, "class": str}, keep_default_na=False)
    missing = [c for c in PREDICTION_COLUMNS if c not in table.columns]
    if missing:
        raise SignalrnnError(f"{path}: no column {missing[0]!r}; give the CSV that signalrnn predict "
                             "writes (sample, time_s, channel, class, p_<class>)")
    if (table["channel"] == "").any():
        raise SignalrnnError(f"{path}: rows without a channel (events of a rhythm model); maps need "
                             "one classified potential per electrode and activation")
    classes = [c.removeprefix("p_") for c in table.columns if c.startswith("p_")]
    potentials = pd.DataFrame({"channel": table["channel"], "activation_ms": table["sample"] * 1000.0 / fs_hz,
                               "class": table["class"]})
    return potentials, classes or sorted(table["class"].unique())


def electrode_indices(record: Path, layout: ElectrodeLayout) -> pd.DataFrame:
    """Per channel of the record, in the layout's order, the clinical indices of its whole signal
    (:func:`signalrnn.measures.egm_indices`, thresholds relative to the noise level)."""
    signal = read_record(record.parent, record.name, list(layout.channels))
    rows = []
    for i, channel in enumerate(signal.channels):
        values = np.nan_to_num(signal.signal[:, i].astype(float))
        found = egm_indices(values, signal.fs_hz).as_dict()
        rows.append({"channel": channel, **{k: found[k] for k in INDEX_COLUMNS}})
    return pd.DataFrame(rows)


def write_maps(predictions: str | Path, record: str | Path, layout: ElectrodeLayout, settings: dict,
               out_dir: str | Path) -> MapOutputs:
    """Write every table, figure and the HTML mapping report of one recording.

    Parameters
    ----------
    predictions
        The record's ``<record>.csv`` from ``signalrnn predict``.
    record
        The WFDB record, path without extension.
    layout
        The electrode layout; the record's channels must be exactly its channels.
    settings
        The config's ``mapping`` section (link_ms, block_ms, adjacent_mm, velocity_radius_mm,
        zone_share, line_share, representative_maps).
    out_dir
        The recording's output folder.

    Returns
    -------
    MapOutputs
        The paths written.
    """
    predictions, record, out = Path(predictions), Path(record), MapOutputs(Path(out_dir))
    header = read_header(record.parent, record.name)
    layout.check_channels(list(header.sig_name), f"{record}.hea")
    potentials, classes = read_predictions(predictions, float(header.fs))
    print(f"map: {record.name}: {len(potentials)} potentials on {len(layout)} electrodes", flush=True)
    maps = recording_maps(potentials, layout, classes, link_ms=settings["link_ms"],
                          block_ms=settings["block_ms"], adjacent_mm=settings["adjacent_mm"],
                          velocity_radius_mm=settings["velocity_radius_mm"],
                          zone_share=settings["zone_share"], line_share=settings["line_share"],
                          source=str(predictions))
    print(f"map: {record.name}: {maps.activation.n_maps} wavefront maps, "
          f"{int(maps.block.pair_block.sum())} blocked pairs", flush=True)
    indices = electrode_indices(record, layout)
    print(f"map: {record.name}: clinical indices of {len(indices)} electrodes", flush=True)
    electrodes = electrode_table(maps).merge(indices, on="channel", how="left")
    out.root.mkdir(parents=True, exist_ok=True)
    for name, frame in zip(TABLES, (lat_table(maps), electrodes, block_table(maps), velocity_table(maps)),
                           strict=True):
        write_csv(frame, out.table(name))
    chosen = representative_maps(maps, settings["representative_maps"])
    if len(chosen):
        lat_figure(maps, chosen, out.figure("lat_maps"))
        velocity_figure(maps, chosen, out.figure("velocity"))
    shares_figure(maps, out.figure("class_shares"))
    indices_figure(maps, indices, out.figure("indices"))
    print(f"map: {record.name}: figures in {out.figure('x').parent}", flush=True)
    out.report.write_text(render_map_report(record.name, maps, electrodes, settings, out))
    print(f"map: {record.name}: report {out.report}", flush=True)
    return out


def summary_table(maps: RecordingMaps) -> pd.DataFrame:
    """The recording in numbers: one row per quantity, with its unit in the name."""
    lat = maps.activation.lat_ms
    spans = np.nanmax(lat, axis=1) - np.nanmin(lat, axis=1) if len(lat) else np.zeros(0)
    speed = maps.velocity.speed_cm_per_s
    measured = maps.block.difference_ms[~np.isnan(maps.block.difference_ms)]
    rows = [
        ("electrodes", len(maps.layout)),
        ("potentials", int(maps.n_potentials.sum())),
        ("wavefront maps", maps.activation.n_maps),
        ("activations in no map", maps.activation.unassigned),
        ("median electrodes per map", float(np.median(np.count_nonzero(~np.isnan(lat), axis=1)))
         if len(lat) else float("nan")),
        ("median activation span of a map (ms)", float(np.median(spans)) if len(spans) else float("nan")),
        ("maps with conduction block", int(maps.block.map_has_block.sum())),
        ("share of adjacent pairs blocked", float(maps.block.pair_block.sum() / measured.size)
         if measured.size else float("nan")),
        ("median conduction velocity (cm/s)", float(np.nanmedian(speed)) if np.isfinite(speed).any()
         else float("nan")),
        (f"fractionation-prone electrodes (fractionated share >= {maps.zone_share:g})",
         int(maps.fractionation_prone.sum())),
        (f"electrodes on a line of block (double share >= {maps.line_share:g})",
         int(maps.on_block_line.sum())),
    ]
    return pd.DataFrame({"quantity": [q for q, _ in rows],
                         "value": [f"{v:.2f}" if isinstance(v, float) else str(v) for _, v in rows]})


def render_map_report(record: str, maps: RecordingMaps, electrodes: pd.DataFrame, settings: dict,
                      out: MapOutputs) -> str:
    """The HTML text of one recording's mapping report (``templates/maps.html.j2``); the figures
    must exist."""
    shares = electrodes[["channel", "n_potentials", *[f"share_{c}" for c in maps.classes],
                         "block_share", *INDEX_COLUMNS]]
    top = shares.sort_values(f"share_{FRACTIONATED}" if FRACTIONATED in maps.classes else "n_potentials",
                             ascending=False, kind="stable").head(12)
    return render("maps.html.j2", record=record, maps=maps, settings=settings, out=out,
                  summary=summary_table(maps), top=top, double=DOUBLE, tables=TABLES)
