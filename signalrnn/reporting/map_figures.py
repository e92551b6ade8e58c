"""Figures of one recording's maps over its electrode array (matplotlib, Agg, PNG).

Every panel draws the electrodes at their positions (mm), row A at the top, with equal axes,
so any layout (regular array or CSV) draws the same way; values between electrodes are
interpolated linearly on a Delaunay triangulation of the electrodes (isochrones).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.tri as mtri  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from signalrnn.mapping.maps import DOUBLE, FRACTIONATED, RecordingMaps  # noqa: E402

ISOCHRONE_STEP_MS = 10.0
PANEL_WIDTH_IN = 9.0


def _grid(n_panels: int, positions_mm: np.ndarray, max_columns: int = 3) -> tuple:
    """A figure of ``n_panels`` map panels: one column for wide arrays, else up to ``max_columns``."""
    extent = np.ptp(positions_mm, axis=0) + 1.0
    wide = extent[0] > 1.8 * extent[1]
    columns = 1 if wide else min(n_panels, max_columns)
    rows = int(np.ceil(n_panels / columns))
    panel_w = PANEL_WIDTH_IN / columns
    panel_h = max(1.6, panel_w * extent[1] / extent[0]) + 0.6
    fig, axes = plt.subplots(rows, columns, figsize=(PANEL_WIDTH_IN + 1.2, rows * panel_h), squeeze=False)
    for ax in axes.flat[n_panels:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n_panels])


def _frame(ax, positions_mm: np.ndarray, title: str) -> None:
    pad = 1.5
    ax.set_xlim(positions_mm[:, 0].min() - pad, positions_mm[:, 0].max() + pad)
    ax.set_ylim(positions_mm[:, 1].max() + pad, positions_mm[:, 1].min() - pad)  # row A on top
    ax.set_aspect("equal")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("x (mm)", fontsize=8)
    ax.set_ylabel("y (mm)", fontsize=8)
    ax.tick_params(labelsize=7)


def _marker_size(maps: RecordingMaps, ax) -> float:
    """Scatter marker area (points^2) of a square about one spacing wide."""
    spacing = maps.layout.spacing_mm or _nearest_distance_mm(maps.layout.positions_mm)
    fig_w = ax.figure.get_size_inches()[0] * ax.get_position().width * 72
    span = np.ptp(maps.layout.positions_mm[:, 0]) + 3.0
    return float((0.8 * spacing * fig_w / span) ** 2)


def _nearest_distance_mm(positions_mm: np.ndarray) -> float:
    if len(positions_mm) < 2:
        return 1.0
    d = np.linalg.norm(positions_mm[:, None] - positions_mm[None], axis=-1)
    d[d == 0] = np.inf
    return float(d.min())


def _value_map(ax, maps: RecordingMaps, values: np.ndarray, title: str, cmap: str, vmin=None, vmax=None,
               label: str = ""):
    """Electrodes coloured by ``values`` (NaN: open grey square); returns the scatter for a colour bar."""
    pos = maps.layout.positions_mm
    known = np.isfinite(values)
    ax.scatter(pos[~known, 0], pos[~known, 1], s=_marker_size(maps, ax), marker="s", facecolors="none",
               edgecolors="0.7", linewidths=0.5)
    dots = ax.scatter(pos[known, 0], pos[known, 1], c=values[known], s=_marker_size(maps, ax), marker="s",
                      cmap=cmap, vmin=vmin, vmax=vmax)
    _frame(ax, pos, title)
    bar = ax.figure.colorbar(dots, ax=ax, shrink=0.9, pad=0.02)
    bar.set_label(label, fontsize=8)
    bar.ax.tick_params(labelsize=7)
    return dots


def _isochrones(ax, pos: np.ndarray, relative_ms: np.ndarray, vmax: float) -> None:
    """Filled LAT map and isochrone lines every ISOCHRONE_STEP_MS, where a triangulation exists."""
    known = np.isfinite(relative_ms)
    if known.sum() < 3 or np.linalg.matrix_rank(pos[known] - pos[known].mean(axis=0)) < 2:
        return
    triangles = mtri.Triangulation(pos[known, 0], pos[known, 1])
    levels = np.arange(0.0, vmax + ISOCHRONE_STEP_MS, ISOCHRONE_STEP_MS)
    if len(levels) < 2:
        return
    ax.tricontourf(triangles, relative_ms[known], levels=levels, cmap="turbo", alpha=0.35)
    lines = ax.tricontour(triangles, relative_ms[known], levels=levels, colors="k", linewidths=0.6)
    ax.clabel(lines, fmt="%g", fontsize=6)


def _block_segments(ax, maps: RecordingMaps, index: int) -> None:
    """Each blocked pair of map ``index`` as a thick line between the two electrodes, across the pair."""
    pos = maps.layout.positions_mm
    for i, j in maps.block.pairs[maps.block.pair_block[index]]:
        middle, along = (pos[i] + pos[j]) / 2, pos[j] - pos[i]
        across = np.array([-along[1], along[0]]) / 2
        ax.plot(*np.column_stack([middle - across, middle + across]), color="k", linewidth=2.5,
                solid_capstyle="butt")


def lat_figure(maps: RecordingMaps, chosen: np.ndarray, path: Path) -> Path:
    """LAT maps (ms from each map's earliest activation) of the ``chosen`` maps, with isochrones
    every 10 ms and the lines of conduction block (thick black) between blocked electrodes."""
    lat = maps.activation.lat_ms[chosen]
    relative = lat - np.nanmin(lat, axis=1, keepdims=True)
    vmax = float(np.nanmax(relative)) if np.isfinite(relative).any() else 1.0
    fig, axes = _grid(len(chosen), maps.layout.positions_mm)
    for ax, k, rel in zip(axes, chosen, relative, strict=True):
        start_ms = np.nanmin(maps.activation.lat_ms[k])
        _value_map(ax, maps, rel, f"map {k} (wave at {start_ms / 1000:.2f} s), "
                   f"{int(maps.block.pair_block[k].sum())} blocked pairs", "turbo", 0.0, vmax, "LAT (ms)")
        _isochrones(ax, maps.layout.positions_mm, rel, vmax)
        _block_segments(ax, maps, k)
    return _save(fig, path)


def velocity_figure(maps: RecordingMaps, chosen: np.ndarray, path: Path) -> Path:
    """Conduction velocity vectors of the ``chosen`` maps: arrows along the propagation, their
    colour the speed (cm/s), over the isochrones."""
    pos = maps.layout.positions_mm
    spacing = maps.layout.spacing_mm or _nearest_distance_mm(pos)
    fig, axes = _grid(len(chosen), pos)
    speeds = maps.velocity.speed_cm_per_s[chosen]
    vmax = float(np.nanpercentile(speeds, 95)) if np.isfinite(speeds).any() else 1.0
    for ax, k in zip(axes, chosen, strict=True):
        rel = maps.activation.lat_ms[k] - np.nanmin(maps.activation.lat_ms[k])
        _isochrones(ax, pos, rel, float(np.nanmax(rel)))
        direction, speed = maps.velocity.direction_rad[k], maps.velocity.speed_cm_per_s[k]
        ok = np.isfinite(speed)
        arrows = ax.quiver(pos[ok, 0], pos[ok, 1], np.cos(direction[ok]), np.sin(direction[ok]), speed[ok],
                           cmap="viridis", clim=(0.0, vmax), angles="xy", scale_units="xy",
                           scale=1.4 / spacing, width=0.004, pivot="middle")
        _frame(ax, pos, f"map {k}: median speed {np.nanmedian(speed):.0f} cm/s" if ok.any()
               else f"map {k}: no velocity estimable")
        bar = fig.colorbar(arrows, ax=ax, shrink=0.9, pad=0.02)
        bar.set_label("speed (cm/s)", fontsize=8)
        bar.ax.tick_params(labelsize=7)
    return _save(fig, path)


def shares_figure(maps: RecordingMaps, path: Path) -> Path:
    """Per electrode the share of each class, and the share of maps in which it touches a line of
    block (LAT difference >= the block threshold to a neighbour)."""
    panels = [(f"share of {name.replace('_', ' ')} potentials", maps.shares[:, k], "share")
              for k, name in enumerate(maps.classes)]
    panels.append((f"share of maps with block (>= {maps.block.threshold_ms:g} ms to a neighbour)",
                   maps.block.electrode_share, "share of maps"))
    fig, axes = _grid(len(panels), maps.layout.positions_mm, max_columns=2)
    for ax, (title, values, label) in zip(axes, panels, strict=True):
        _value_map(ax, maps, np.asarray(values, float), title, "magma_r", 0.0, 1.0, label)
    return _save(fig, path)


def indices_figure(maps: RecordingMaps, indices: pd.DataFrame, path: Path) -> Path:
    """Per electrode the clinical indices: dominant frequency (Hz), CFE-mean (ms), organisation
    index and entropy (bits), aligned to the layout through ``indices['channel']``."""
    panels = [("dominant_frequency_hz", "dominant frequency", "Hz"), ("cfe_mean_ms", "CFE-mean", "ms"),
              ("organisation_index", "organisation index", ""), ("entropy_bits", "Shannon entropy", "bits")]
    aligned = indices.set_index("channel").reindex(list(maps.layout.channels))
    fig, axes = _grid(len(panels), maps.layout.positions_mm, max_columns=2)
    for ax, (column, title, unit) in zip(axes, panels, strict=True):
        _value_map(ax, maps, aligned[column].to_numpy(float), title, "viridis", label=unit)
    return _save(fig, path)


def truth_and_estimate_figure(estimated: RecordingMaps, truth: RecordingMaps, true_line: np.ndarray,
                              true_zone: np.ndarray, path: Path) -> Path:
    """Side by side, the true maps (top row) and the estimated ones (bottom row) of one simulated
    recording: per electrode the share of double potentials, the share of maps with block (LAT
    difference >= the block threshold to a neighbour) and the share of fractionated potentials.
    The electrodes of the patient's true line of block (first two columns) and true zone of
    fractionation (third) are outlined."""
    panels = [("double potentials", "share of potentials", lambda m: m.share_of(*DOUBLE), true_line),
              (f"block (>= {truth.block.threshold_ms:g} ms)", "share of maps",
               lambda m: m.block.electrode_share, true_line),
              ("fractionated", "share of potentials", lambda m: m.share_of(FRACTIONATED), true_zone)]
    fig, axes = _grid(2 * len(panels), truth.layout.positions_mm, max_columns=len(panels))
    pos = truth.layout.positions_mm
    for row, (name, maps) in enumerate((("truth", truth), ("estimate", estimated))):
        for column, (title, unit, values, outlined) in enumerate(panels):
            ax = axes[row * len(panels) + column]
            shares = np.asarray(values(maps), float)
            _value_map(ax, maps, shares, f"{name}: {title}", "magma_r", 0.0, 1.0, unit)
            ax.scatter(pos[outlined, 0], pos[outlined, 1], s=_marker_size(maps, ax), marker="s",
                       facecolors="none", edgecolors="tab:cyan", linewidths=1.6)
    return _save(fig, path)


def _save(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
