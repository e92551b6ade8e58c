"""Conduction velocity vectors from local activation times: a plane fitted around each electrode.

Speeds are in cm/s (1 mm/ms = 100 cm/s); directions in radians from the +x axis (increasing
column) towards +y (increasing row letter) of the layout, in (-pi, pi].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from signalrnn.errors import SignalrnnError
from signalrnn.mapping.geometry import ElectrodeLayout

CM_PER_S_PER_MM_PER_MS = 100.0
_TOLERANCE_MM = 1e-6


@dataclass(frozen=True, eq=False)
class VelocityField:
    """Conduction velocity vector of every electrode in every map (NaN where not estimable).

    Attributes
    ----------
    speed_cm_per_s
        (maps, electrodes) speed in cm/s.
    direction_rad
        (maps, electrodes) direction of propagation, radians from +x towards +y.
    vx_cm_per_s, vy_cm_per_s
        (maps, electrodes) velocity components in cm/s.
    residual_ms
        (maps, electrodes) root-mean-square residual (ms) of the plane fit: large values
        flag a neighbourhood that is not one planar front (block line, collision, breakthrough).
    n_electrodes
        (maps, electrodes) number of electrodes with a LAT used by the fit (0 where no fit).
    """

    speed_cm_per_s: np.ndarray
    direction_rad: np.ndarray
    vx_cm_per_s: np.ndarray
    vy_cm_per_s: np.ndarray
    residual_ms: np.ndarray
    n_electrodes: np.ndarray


def neighbourhoods(layout: ElectrodeLayout, radius_mm: float) -> np.ndarray:
    """Electrodes within ``radius_mm`` of each electrode (itself included), padded with -1.

    Parameters
    ----------
    layout
        The electrode layout.
    radius_mm
        Neighbourhood radius in mm (1e-6 mm tolerance for round-off).

    Returns
    -------
    np.ndarray
        (electrodes, largest neighbourhood) indices, each row sorted, -1 after its last.
    """
    if not (np.isfinite(radius_mm) and radius_mm > 0):
        raise SignalrnnError(f"radius_mm={radius_mm!r}: give the neighbourhood radius of the "
                             "velocity fit in mm (e.g. 1.5 x the spacing)")
    found = cKDTree(layout.positions_mm).query_ball_point(layout.positions_mm,
                                                          radius_mm + _TOLERANCE_MM)
    width = max(len(f) for f in found)
    table = np.full((len(layout), width), -1, dtype=np.intp)
    for i, near in enumerate(found):
        table[i, :len(near)] = sorted(near)
    return table


def conduction_velocity(lat_ms: np.ndarray, layout: ElectrodeLayout, *, radius_mm: float | None = None,
                        min_electrodes: int = 4, window_ms: float | None = None) -> VelocityField:
    """Conduction velocity vectors by a least-squares plane ``T(x, y) = a x + b y + c`` per electrode.

    For every electrode with a LAT, a plane is fitted to the LATs of the electrodes within
    ``radius_mm`` (itself included). With the gradient ``(a, b) = grad T`` (ms/mm), the
    velocity is ``v = grad T / |grad T|**2``: speed ``1 / |grad T|`` along the gradient. This
    is the first-order case of the local polynomial surface fit of Bayly et al. (IEEE Trans
    Biomed Eng 1998;45:563-71: "Both speed and direction of propagation are computed from the
    gradient of the local polynomial surface"; the velocity components are expressed through
    the partial derivatives of T). Cantwell et al. (Comput Biol Med 2015;65:229-42) survey
    CV methods and note that finite differences are susceptible to noise in the LATs and to
    adjacent electrodes with identical LATs; a least-squares fit over several electrodes
    smooths both.

    NaN where the electrode has no LAT, fewer than ``min_electrodes`` of its neighbourhood
    have one, their positions are collinear, or the fitted plane is flat (no direction).

    Parameters
    ----------
    lat_ms
        (maps, electrodes) LAT in ms, columns in the layout's order, NaN where missing.
    layout
        Electrode positions (mm).
    radius_mm
        Neighbourhood radius (mm); default 1.5 x the spacing of a regular array, i.e. the
        3 x 3 block around the electrode (required for a layout read from CSV).
    min_electrodes
        Fewest electrodes with a LAT, the centre included, for a fit (>= 3).
    window_ms
        If given, use only neighbours whose LAT is within ``window_ms`` of the centre's
        (Bayly et al. fit within a space-time window), e.g. to keep a fit from straddling a
        line of block.

    Returns
    -------
    VelocityField
        Speed (cm/s), direction (rad), components (cm/s), fit residual (ms) and electrode count.
    """
    lat = np.asarray(lat_ms, dtype=float)
    if lat.ndim != 2 or lat.shape[1] != len(layout):
        raise SignalrnnError(f"lat_ms has shape {lat.shape}; expected (maps, {len(layout)}) for the "
                             f"layout {layout.source}")
    if radius_mm is None:
        if layout.spacing_mm is None:
            raise SignalrnnError(f"{layout.source}: not a regular array, so the velocity fit needs "
                                 "radius_mm (mm)")
        radius_mm = 1.5 * layout.spacing_mm
    if not (isinstance(min_electrodes, int | np.integer) and min_electrodes >= 3):
        raise SignalrnnError(f"min_electrodes={min_electrodes!r}: a plane needs at least 3 electrodes")
    if window_ms is not None and not (np.isfinite(window_ms) and window_ms > 0):
        raise SignalrnnError(f"window_ms={window_ms!r}: give a positive number of ms, or None")
    near = neighbourhoods(layout, radius_mm)
    present = near >= 0
    offsets = layout.positions_mm[np.where(present, near, 0)] - layout.positions_mm[:, None, :]
    times = lat[:, np.where(present, near, 0)]  # (maps, electrodes, neighbours)
    centre = lat[:, :, None]
    use = present[None] & ~np.isnan(times) & ~np.isnan(centre)
    if window_ms is not None:
        with np.errstate(invalid="ignore"):
            use &= np.abs(times - centre) <= window_ms
    weight = use.astype(float)
    count = weight.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        dx = np.where(use, offsets[None, :, :, 0], 0.0)
        dy = np.where(use, offsets[None, :, :, 1], 0.0)
        dt = np.where(use, times - np.where(np.isnan(centre), 0.0, centre), 0.0)
        mx, my, mt = (v.sum(axis=-1, keepdims=True) / np.maximum(count, 1)[..., None]
                      for v in (dx, dy, dt))
        cx, cy, ct = (weight * (dx - mx)), (weight * (dy - my)), (weight * (dt - mt))
        sxx, syy, sxy = (cx * cx).sum(-1), (cy * cy).sum(-1), (cx * cy).sum(-1)
        sxt, syt = (cx * ct).sum(-1), (cy * ct).sum(-1)
        det = sxx * syy - sxy**2
        ok = (count >= min_electrodes) & (det > 1e-9 * (sxx + syy) ** 2) & (det > 0)
        gx = np.where(ok, (syy * sxt - sxy * syt) / det, np.nan)  # ms/mm
        gy = np.where(ok, (sxx * syt - sxy * sxt) / det, np.nan)
        g2 = gx**2 + gy**2
        ok &= g2 > 0
        residual = np.sqrt(((ct - gx[..., None] * cx - gy[..., None] * cy) ** 2).sum(-1) / count)
        scale = np.where(ok, CM_PER_S_PER_MM_PER_MS / g2, np.nan)
    vx, vy = gx * scale, gy * scale
    nan = np.where(ok, 0.0, np.nan)
    return VelocityField(np.hypot(vx, vy), np.arctan2(vy, vx) + nan, vx, vy, residual + nan,
                         np.where(ok, count, 0).astype(int))
