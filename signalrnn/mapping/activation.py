"""Local activation times (LAT, ms) per map: group a recording's activations into cycles.

The input is one row per activation (e.g. per classified potential) with its channel and
time in ms; the output is a (maps x electrodes) LAT array, NaN where an electrode has no
activation in that map. Two ways to decide which activations form one map:

- :func:`maps_by_reference`: a window around each reference activation (e.g. the
  activations of a reference electrode), as clinical mapping systems do;
- :func:`maps_by_wavefront`: one map per wavefront, the activations linked through adjacent
  electrodes that activate within ``link_ms`` of each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from signalrnn.errors import SignalrnnError
from signalrnn.mapping.geometry import ElectrodeLayout


@dataclass(frozen=True, eq=False)
class ActivationMaps:
    """Local activation times of a recording, one row per map (cycle or wavefront).

    Attributes
    ----------
    lat_ms
        (maps, electrodes) LAT in ms (the recording's time axis), NaN where an electrode has no
        activation in the map; columns in the layout's channel order.
    channels
        The layout's channel names (columns of ``lat_ms``).
    unassigned
        Activations left out of every map: outside every window, in a wavefront too small to
        keep, or a later activation of an electrode that already has one in the map.
    """

    lat_ms: np.ndarray
    channels: tuple[str, ...]
    unassigned: int

    @property
    def n_maps(self) -> int:
        """Number of maps (rows of ``lat_ms``)."""
        return int(self.lat_ms.shape[0])

    def to_frame(self) -> pd.DataFrame:
        """The maps as a long table: ``map``, ``channel``, ``lat_ms`` (only electrodes with a LAT)."""
        maps, electrodes = np.nonzero(~np.isnan(self.lat_ms))
        return pd.DataFrame({"map": maps, "channel": np.asarray(self.channels, dtype=object)[electrodes],
                             "lat_ms": self.lat_ms[maps, electrodes]})


def _electrode_times(activations: pd.DataFrame, layout: ElectrodeLayout, channel_column: str,
                     time_column: str, source: str) -> tuple[np.ndarray, np.ndarray]:
    """(electrode index, time in ms) of every activation; raises on unknown channels or bad times."""
    if not isinstance(activations, pd.DataFrame):
        raise SignalrnnError(f"{source}: expected a table (pandas DataFrame) of activations with "
                             f"columns {channel_column!r} and {time_column!r}")
    for column in (channel_column, time_column):
        if column not in activations.columns:
            raise SignalrnnError(f"{source}: no column {column!r}; give one row per activation with "
                                 f"its channel ({channel_column!r}) and time in ms ({time_column!r})")
    times = pd.to_numeric(activations[time_column], errors="coerce").to_numpy(float)
    bad = ~np.isfinite(times)
    if bad.any():
        row = activations.index[int(np.argmax(bad))]
        raise SignalrnnError(f"{source}: row {row!r} has no finite {time_column!r}; give every "
                             "activation a time in ms or drop the row")
    return layout.indices_of(activations[channel_column].to_numpy(), source), times


def _fill_maps(map_of: np.ndarray, electrode: np.ndarray, times: np.ndarray, n_maps: int,
               layout: ElectrodeLayout) -> ActivationMaps:
    """LAT array from each activation's map (-1: none): the earliest activation per electrode."""
    keep = map_of >= 0
    lat = np.full((n_maps, len(layout)), np.inf)
    np.minimum.at(lat, (map_of[keep], electrode[keep]), times[keep])
    lat[np.isinf(lat)] = np.nan
    assigned = int(np.count_nonzero(~np.isnan(lat)))
    return ActivationMaps(lat, layout.channels, int(len(times) - assigned))


def maps_by_reference(activations: pd.DataFrame, layout: ElectrodeLayout, reference_ms: np.ndarray,
                      *, before_ms: float, after_ms: float, channel_column: str = "channel",
                      time_column: str = "activation_ms", source: str = "activations") -> ActivationMaps:
    """LAT maps from a window of interest around each reference activation.

    Map ``k`` holds, for every electrode, its earliest activation within
    ``[reference_ms[k] - before_ms, reference_ms[k] + after_ms]``. An activation inside two
    windows (when they overlap) goes to the nearer reference. LATs stay on the recording's
    time axis (subtract ``reference_ms[:, None]`` for times relative to the reference).

    This is the "window of interest" of electro-anatomic mapping systems: a window set
    around a stable reference electrogram, its width about one cycle length (as described,
    e.g., for the RHYTHMIA system: "width at the cycle length value and centers it on the main
    reference EGM", doi:10.1007/s10840-022-01339-1, 2022; LAT annotation methods are reviewed
    by Cantwell et al., Comput Biol Med 2015;65:229-42). It suits organised
    rhythms; in fibrillation, where a wave may take longer to cross the array than the
    cycle length, prefer :func:`maps_by_wavefront`.

    Parameters
    ----------
    activations
        One row per activation: channel (name or layout index) and time (ms).
    layout
        The electrode layout; the LAT columns follow its channel order.
    reference_ms
        Reference activation times (ms), strictly increasing: one map each, empty maps kept.
    before_ms, after_ms
        Window before and after each reference (ms, >= 0).
    channel_column, time_column
        Column names of the channel and the activation time (ms).
    source
        Names the table in error messages.

    Returns
    -------
    ActivationMaps
        ``len(reference_ms)`` maps.
    """
    reference = np.asarray(reference_ms, dtype=float)
    if reference.ndim != 1 or not np.isfinite(reference).all():
        raise SignalrnnError("reference_ms: give a 1-D sequence of finite reference times in ms")
    if np.any(np.diff(reference) <= 0):
        raise SignalrnnError("reference_ms: reference times must be strictly increasing; sort them "
                             "and drop duplicates")
    for name, value in (("before_ms", before_ms), ("after_ms", after_ms)):
        if not (np.isfinite(value) and value >= 0):
            raise SignalrnnError(f"{name}={value!r}: the window around each reference must be a "
                                 "non-negative number of ms")
    electrode, times = _electrode_times(activations, layout, channel_column, time_column, source)
    if len(reference) == 0:
        return _fill_maps(np.full(len(times), -1), electrode, times, 0, layout)
    previous = np.searchsorted(reference, times, side="right") - 1
    following = previous + 1
    after = times - reference[np.clip(previous, 0, None)]
    before = reference[np.clip(following, None, len(reference) - 1)] - times
    in_previous = (previous >= 0) & (after <= after_ms)
    in_following = (following < len(reference)) & (before <= before_ms)
    nearer_previous = in_previous & (~in_following | (after <= before))
    map_of = np.where(nearer_previous, previous, np.where(in_following, following, -1))
    return _fill_maps(map_of, electrode, times, len(reference), layout)


def maps_by_wavefront(activations: pd.DataFrame, layout: ElectrodeLayout, *, link_ms: float = 50.0,
                      max_distance_mm: float | None = None, min_electrodes: int = 3,
                      channel_column: str = "channel", time_column: str = "activation_ms",
                      source: str = "activations") -> ActivationMaps:
    """LAT maps, one per wavefront: activations linked through adjacent electrodes.

    Method: two activations are linked when their electrodes are adjacent
    (:meth:`ElectrodeLayout.adjacent_pairs`) and their times differ by at most ``link_ms``;
    every connected group of linked activations is one wavefront, hence one map. Within a
    map an electrode keeps its earliest activation (a later one, e.g. a second deflection
    detected as an activation, counts as unassigned). Groups on fewer than
    ``min_electrodes`` electrodes are dropped (isolated detections). Maps are ordered by
    their mean LAT.

    ``link_ms`` must exceed the largest LAT difference between adjacent electrodes within
    one wave, conduction block included (the 12 ms criterion of
    :func:`signalrnn.mapping.block.conduction_block` is far below the default 50 ms, so both
    sides of a block line stay in one map), and stay below the shortest cycle length minus
    that difference (atrial fibrillation cycle lengths are rarely below 100 ms), or two
    successive waves merge. A wave that only reaches the far side of a line of block by
    going around it, more than ``link_ms`` later, becomes a separate map where the line
    ends outside the array.

    This grouping is this package's own choice, in the spirit of the wave mapping of
    high-density epicardial recordings of atrial fibrillation (fibrillation waves traced over
    adjacent electrodes, bounded by lines of block); it is not taken from a published
    algorithm.

    Parameters
    ----------
    activations
        One row per activation: channel (name or layout index) and time (ms).
    layout
        The electrode layout; the LAT columns follow its channel order.
    link_ms
        Largest time difference (ms) between activations of adjacent electrodes in one wave.
    max_distance_mm
        Adjacency distance (mm); default the 4-neighbours of a regular array (required for a
        layout read from CSV).
    min_electrodes
        Smallest number of electrodes of a kept map.
    channel_column, time_column
        Column names of the channel and the activation time (ms).
    source
        Names the table in error messages.

    Returns
    -------
    ActivationMaps
        One map per kept wavefront.
    """
    if not (np.isfinite(link_ms) and link_ms > 0):
        raise SignalrnnError(f"link_ms={link_ms!r}: give the largest LAT difference (ms) between "
                             "adjacent electrodes of one wave, e.g. 50")
    if not (isinstance(min_electrodes, int | np.integer) and min_electrodes >= 1):
        raise SignalrnnError(f"min_electrodes={min_electrodes!r}: give a whole number >= 1")
    pairs = layout.adjacent_pairs(max_distance_mm)
    electrode, times = _electrode_times(activations, layout, channel_column, time_column, source)
    n = len(times)
    order = np.lexsort((times, electrode))
    sorted_times = times[order]
    starts = np.searchsorted(electrode[order], np.arange(len(layout) + 1))
    heads, tails = [], []
    for i, j in pairs:
        ti = sorted_times[starts[i]:starts[i + 1]]
        tj = sorted_times[starts[j]:starts[j + 1]]
        if len(ti) == 0 or len(tj) == 0:
            continue
        lo = np.searchsorted(tj, ti - link_ms, side="left")
        counts = np.searchsorted(tj, ti + link_ms, side="right") - lo
        total = int(counts.sum())
        if total == 0:
            continue
        first = np.repeat(np.cumsum(counts) - counts, counts)
        heads.append(starts[i] + np.repeat(np.arange(len(ti)), counts))
        tails.append(starts[j] + np.repeat(lo, counts) + np.arange(total) - first)
    head = np.concatenate(heads) if heads else np.zeros(0, dtype=np.intp)
    tail = np.concatenate(tails) if tails else np.zeros(0, dtype=np.intp)
    graph = coo_matrix((np.ones(len(head)), (head, tail)), shape=(n, n))
    _, label_sorted = connected_components(graph, directed=False)
    label = np.empty(n, dtype=np.intp)
    label[order] = label_sorted
    n_labels = int(label.max()) + 1 if n else 0
    per_label = _fill_maps(label, electrode, times, n_labels, layout).lat_ms
    size = np.count_nonzero(~np.isnan(per_label), axis=1)
    kept = per_label[size >= min_electrodes]
    kept = kept[np.argsort(np.nanmean(kept, axis=1), kind="stable")] if len(kept) else kept
    return ActivationMaps(kept, layout.channels, int(n - np.count_nonzero(~np.isnan(kept))))
