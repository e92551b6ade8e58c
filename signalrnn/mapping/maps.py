"""The maps of one recording from its classified potentials: LAT, class shares, block, velocity.

Input: one row per potential with its channel, activation time (ms) and class, e.g. the CSV
that ``signalrnn predict`` writes (``time_s`` x 1000) or the simulator's truth table. Output:
a :class:`RecordingMaps` and its tables (pandas), all per electrode in the layout's order:

- LAT maps, one per wavefront (:func:`signalrnn.mapping.maps_by_wavefront`), in ms;
- per electrode the share of each potential class, and two marks derived from them:
  fractionation-prone (share of fractionated potentials >= ``zone_share``) and on a line of
  block (share of double potentials >= ``line_share``; double potentials, separated by an
  isoelectric interval, are recorded along lines of conduction block: Konings et al.,
  Circulation 1997;95:1231-41);
- conduction block, a LAT difference >= 12 ms between adjacent electrodes (Lanters et al.,
  Int J Cardiol, repub.eur.nl/pub/101831: "CB (delta >= 12 ms)"; de Groot et al., Circulation
  2010;122:1674-82; see :mod:`signalrnn.mapping.block`);
- conduction velocity vectors in cm/s (:func:`signalrnn.mapping.conduction_velocity`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from signalrnn.errors import SignalrnnError
from signalrnn.mapping.activation import ActivationMaps, maps_by_wavefront
from signalrnn.mapping.block import ConductionBlock, conduction_block
from signalrnn.mapping.geometry import ElectrodeLayout
from signalrnn.mapping.velocity import VelocityField, conduction_velocity

FRACTIONATED = "fractionated"
DOUBLE = ("short_double", "long_double")
POTENTIAL_COLUMNS = ("channel", "activation_ms", "class")


@dataclass(frozen=True, eq=False)
class RecordingMaps:
    """Every map of one recording over its electrode layout.

    Attributes
    ----------
    layout
        The electrode layout (per-electrode arrays follow its channel order).
    classes
        The potential classes whose shares are given, in order.
    activation
        LAT maps (ms), one per wavefront.
    shares
        (electrodes, classes) share of each class among the electrode's potentials, NaN for an
        electrode without potentials.
    n_potentials
        (electrodes,) potentials per electrode.
    block
        Conduction block between adjacent electrodes in every map.
    velocity
        Conduction velocity vectors (cm/s) in every map.
    zone_share, line_share
        The share thresholds of the fractionation-prone and block-line marks.
    """

    layout: ElectrodeLayout
    classes: tuple[str, ...]
    activation: ActivationMaps
    shares: np.ndarray
    n_potentials: np.ndarray
    block: ConductionBlock
    velocity: VelocityField
    zone_share: float
    line_share: float

    def share_of(self, *names: str) -> np.ndarray:
        """(electrodes,) summed share of the classes ``names`` (0 for a class not in ``classes``)."""
        columns = [self.classes.index(n) for n in names if n in self.classes]
        total = self.shares[:, columns].sum(axis=1) if columns else np.zeros(len(self.layout))
        return np.where(self.n_potentials > 0, total, np.nan)

    @property
    def fractionation_prone(self) -> np.ndarray:
        """(electrodes,) bool: the share of fractionated potentials reaches ``zone_share``."""
        return np.nan_to_num(self.share_of(FRACTIONATED), nan=-1.0) >= self.zone_share

    @property
    def on_block_line(self) -> np.ndarray:
        """(electrodes,) bool: the share of double potentials reaches ``line_share``."""
        return np.nan_to_num(self.share_of(*DOUBLE), nan=-1.0) >= self.line_share


def check_potentials(potentials: pd.DataFrame, source: str) -> pd.DataFrame:
    """The columns channel, activation_ms (finite) and class of a potentials table, or SignalrnnError."""
    missing = [c for c in POTENTIAL_COLUMNS if c not in potentials.columns]
    if missing:
        raise SignalrnnError(f"{source}: no column {missing[0]!r}; give one row per potential with "
                             "channel, activation_ms and class")
    table = potentials[list(POTENTIAL_COLUMNS)].copy()
    table["class"] = table["class"].astype(str)
    return table


def recording_maps(potentials: pd.DataFrame, layout: ElectrodeLayout, classes: list[str] | tuple[str, ...],
                   *, link_ms: float = 50.0, block_ms: float = 12.0, adjacent_mm: float | None = None,
                   velocity_radius_mm: float | None = None, zone_share: float = 0.2,
                   line_share: float = 0.2, source: str = "potentials") -> RecordingMaps:
    """All maps of one recording from its potentials.

    Parameters
    ----------
    potentials
        One row per potential: ``channel`` (name or layout index), ``activation_ms`` (ms) and
        ``class``.
    layout
        The electrode layout; every channel of ``potentials`` must be in it.
    classes
        The classes whose per-electrode shares are wanted (a potential of another class counts
        in the denominator only).
    link_ms
        Largest LAT difference (ms) of adjacent electrodes within one wave (see
        :func:`signalrnn.mapping.maps_by_wavefront`).
    block_ms
        LAT difference (ms) at and above which adjacent electrodes are blocked (12 ms).
    adjacent_mm
        Adjacency distance (mm); None = the 4-neighbours of a regular array.
    velocity_radius_mm
        Radius (mm) of the velocity plane fit; None = 1.5 x the spacing of a regular array.
    zone_share, line_share
        Share thresholds of the fractionation-prone and the block-line marks (0 to 1).
    source
        Names the table in error messages.

    Returns
    -------
    RecordingMaps
        LAT maps, class shares, block and velocity.
    """
    for name, value in (("zone_share", zone_share), ("line_share", line_share)):
        if not 0 <= value <= 1:
            raise SignalrnnError(f"mapping.{name}={value!r}: give a share between 0 and 1")
    table = check_potentials(potentials, source)
    electrode = layout.indices_of(table["channel"].to_numpy(), source)
    n_potentials = np.bincount(electrode, minlength=len(layout))
    shares = np.full((len(layout), len(classes)), np.nan)
    for k, name in enumerate(classes):
        hits = np.bincount(electrode, weights=(table["class"] == name).to_numpy(float),
                           minlength=len(layout))
        with np.errstate(invalid="ignore", divide="ignore"):
            shares[:, k] = np.where(n_potentials > 0, hits / n_potentials, np.nan)
    activation = maps_by_wavefront(table, layout, link_ms=link_ms, max_distance_mm=adjacent_mm,
                                   source=source)
    block = conduction_block(activation.lat_ms, layout.adjacent_pairs(adjacent_mm), block_ms)
    velocity = conduction_velocity(activation.lat_ms, layout, radius_mm=velocity_radius_mm)
    return RecordingMaps(layout, tuple(classes), activation, shares, n_potentials, block, velocity,
                         float(zone_share), float(line_share))


def representative_maps(maps: RecordingMaps, n: int) -> np.ndarray:
    """Up to ``n`` map indices to draw: the most complete maps, one from each stretch of the recording.

    The maps (in time order) are cut into ``n`` consecutive groups; from each, the map with
    LATs on the most electrodes (the earliest on ties).
    """
    lat = maps.activation.lat_ms
    if not len(lat):
        return np.zeros(0, dtype=np.intp)
    counts = np.count_nonzero(~np.isnan(lat), axis=1)
    groups = np.array_split(np.arange(len(lat)), min(n, len(lat)))
    return np.array([g[np.argmax(counts[g])] for g in groups], dtype=np.intp)


def lat_table(maps: RecordingMaps) -> pd.DataFrame:
    """Per map and electrode with a LAT: ``map``, ``channel``, ``lat_ms`` (recording time) and
    ``relative_ms`` (from the map's earliest activation)."""
    frame = maps.activation.to_frame()
    earliest = np.nanmin(maps.activation.lat_ms, axis=1) if maps.activation.n_maps else np.zeros(0)
    return frame.assign(relative_ms=(frame["lat_ms"] - earliest[frame["map"].to_numpy()]).round(3),
                        lat_ms=frame["lat_ms"].round(3))


def electrode_table(maps: RecordingMaps) -> pd.DataFrame:
    """Per electrode: position (mm), potentials, share of each class, the marks and block share."""
    layout = maps.layout
    frame = pd.DataFrame({"channel": layout.channels, "x_mm": layout.positions_mm[:, 0],
                          "y_mm": layout.positions_mm[:, 1], "n_potentials": maps.n_potentials})
    for k, name in enumerate(maps.classes):
        frame[f"share_{name}"] = maps.shares[:, k].round(4)
    frame["share_double"] = maps.share_of(*DOUBLE).round(4)
    frame["fractionation_prone"] = maps.fractionation_prone
    frame["on_block_line"] = maps.on_block_line
    frame["block_share"] = maps.block.electrode_share.round(4)
    return frame


def block_table(maps: RecordingMaps) -> pd.DataFrame:
    """Every blocked adjacent pair in every map: ``map``, ``channel_a``, ``channel_b``, ``difference_ms``."""
    which_map, which_pair = np.nonzero(maps.block.pair_block)
    names = np.asarray(maps.layout.channels, dtype=object)
    pairs = maps.block.pairs[which_pair]
    return pd.DataFrame({"map": which_map, "channel_a": names[pairs[:, 0]], "channel_b": names[pairs[:, 1]],
                         "difference_ms": maps.block.difference_ms[which_map, which_pair].round(3)})


def velocity_table(maps: RecordingMaps) -> pd.DataFrame:
    """Every estimable velocity vector: ``map``, ``channel``, speed (cm/s), direction (rad),
    components (cm/s) and plane-fit residual (ms)."""
    v = maps.velocity
    which_map, electrode = np.nonzero(np.isfinite(v.speed_cm_per_s))
    return pd.DataFrame({
        "map": which_map, "channel": np.asarray(maps.layout.channels, dtype=object)[electrode],
        **{name: getattr(v, name)[which_map, electrode].round(4)
           for name in ("speed_cm_per_s", "direction_rad", "vx_cm_per_s", "vy_cm_per_s", "residual_ms")}})
