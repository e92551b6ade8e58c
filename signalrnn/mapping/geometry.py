"""Electrode layouts: where every channel lies (x, y in mm) and which electrodes are adjacent.

A regular array names its electrodes row by row, row letter and 2-digit column (``A01`` ...
``H24``), and puts column ``c``, row ``r`` at ``x = c * spacing_mm``, ``y = r * spacing_mm``,
centred on the middle of the array: the convention of the simulator
(``signalrnn.simulate.channel_names`` and ``electrode_positions_mm``), reproduced here so
that this subpackage does not depend on the simulator. ``y`` grows with the row letter.
Catheters and baskets come as a CSV file with columns ``channel,x_mm,y_mm``.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from signalrnn.errors import SignalrnnError

CSV_COLUMNS = ("channel", "x_mm", "y_mm")
ROW_LETTERS = string.ascii_uppercase
_TOLERANCE_MM = 1e-6  # distances this close count as equal (float round-off of positions)


def regular_channel_names(rows: int, columns: int) -> list[str]:
    """Names of a ``rows`` x ``columns`` array, row by row: ``A01``, ``A02``, ... ``B01``, ...

    Parameters
    ----------
    rows, columns
        Array size; at most 26 rows (one letter each) and 99 columns (two digits).

    Returns
    -------
    list of str
        ``rows * columns`` names in row-major order, as the simulator writes its channels.
    """
    if not (isinstance(rows, int | np.integer) and 1 <= rows <= len(ROW_LETTERS)):
        raise SignalrnnError(f"rows={rows!r}: a regular array needs 1 to {len(ROW_LETTERS)} rows "
                             "(one letter each)")
    if not (isinstance(columns, int | np.integer) and 1 <= columns <= 99):
        raise SignalrnnError(f"columns={columns!r}: a regular array needs 1 to 99 columns "
                             "(two digits each)")
    return [f"{ROW_LETTERS[r]}{c + 1:02d}" for r in range(rows) for c in range(columns)]


@dataclass(frozen=True, eq=False)
class ElectrodeLayout:
    """Channel name -> (x, y) position in mm of every electrode of a mapping array or catheter.

    Build one with :meth:`regular` (a rows x columns array at a fixed spacing) or
    :meth:`from_csv` (any layout). ``positions_mm[i]`` is the position of ``channels[i]``;
    every array of per-electrode values in :mod:`signalrnn.mapping` follows this order.

    Attributes
    ----------
    channels
        Channel names, unique.
    positions_mm
        (electrodes, 2) array of x, y in mm (read-only).
    shape
        (rows, columns) of a regular array, else None.
    spacing_mm
        Inter-electrode distance of a regular array (mm), else None.
    source
        What the layout came from (a CSV path or ``"regular 8 x 24 array"``), for messages.
    """

    channels: tuple[str, ...]
    positions_mm: np.ndarray
    shape: tuple[int, int] | None = None
    spacing_mm: float | None = None
    source: str = "layout"

    def __post_init__(self) -> None:
        channels = tuple(str(c) for c in self.channels)
        positions = np.array(self.positions_mm, dtype=float)
        if not channels:
            raise SignalrnnError(f"{self.source}: the layout has no electrodes; give at least one "
                                 "channel with its x_mm, y_mm")
        if positions.shape != (len(channels), 2):
            raise SignalrnnError(f"{self.source}: positions_mm has shape {positions.shape}, expected "
                                 f"({len(channels)}, 2): one x, y (mm) per channel")
        seen: set[str] = set()
        for channel in channels:
            if channel in seen:
                raise SignalrnnError(f"{self.source}: channel {channel!r} appears twice; give each "
                                     "channel one position")
            seen.add(channel)
        bad = ~np.isfinite(positions).all(axis=1)
        if bad.any():
            raise SignalrnnError(f"{self.source}: channel {channels[int(np.argmax(bad))]!r} has no "
                                 "finite x_mm, y_mm; give its position in mm")
        same = cKDTree(positions).query_pairs(_TOLERANCE_MM, output_type="ndarray")
        if len(same):
            i, j = sorted(same[0])
            raise SignalrnnError(f"{self.source}: channels {channels[i]!r} and {channels[j]!r} share "
                                 f"the position {tuple(positions[i])} mm; give each electrode its own")
        positions.setflags(write=False)
        object.__setattr__(self, "channels", channels)
        object.__setattr__(self, "positions_mm", positions)

    @classmethod
    def regular(cls, rows: int, columns: int, spacing_mm: float) -> ElectrodeLayout:
        """A rows x columns array at ``spacing_mm``, named and placed as the simulator does.

        Parameters
        ----------
        rows, columns
            Array size (e.g. 8 x 24 for the 192-electrode epicardial array).
        spacing_mm
            Inter-electrode distance (mm), e.g. 2.

        Returns
        -------
        ElectrodeLayout
            Channels ``A01`` ... row-major; x = column * spacing, y = row * spacing, centred.
        """
        names = regular_channel_names(rows, columns)
        if not (np.isfinite(spacing_mm) and spacing_mm > 0):
            raise SignalrnnError(f"spacing_mm={spacing_mm!r}: the inter-electrode distance must be a "
                                 "positive number of mm (e.g. 2)")
        y, x = np.mgrid[0:rows, 0:columns] * float(spacing_mm)
        positions = np.column_stack([x.ravel(), y.ravel()]).astype(float)
        return cls(tuple(names), positions - positions.mean(axis=0), (int(rows), int(columns)),
                   float(spacing_mm), f"regular {rows} x {columns} array")

    @classmethod
    def from_csv(cls, path: str | Path) -> ElectrodeLayout:
        """Read a layout from a CSV file with columns ``channel,x_mm,y_mm`` (one row per electrode).

        Parameters
        ----------
        path
            The CSV file; other columns are ignored.

        Returns
        -------
        ElectrodeLayout
            In the order of the file's rows; ``shape`` and ``spacing_mm`` are None, so adjacency
            comes from :meth:`pairs_within`.
        """
        path = Path(path)
        if not path.is_file():
            raise SignalrnnError(f"{path}: no such layout file; give a CSV with columns "
                                 "channel,x_mm,y_mm")
        try:
            table = pd.read_csv(path, dtype={"channel": str}, skipinitialspace=True)
        except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as error:
            raise SignalrnnError(f"{path}: not a readable CSV ({type(error).__name__}); write it with "
                                 "the header channel,x_mm,y_mm") from None
        for column in CSV_COLUMNS:
            if column not in table.columns:
                raise SignalrnnError(f"{path}: no column {column!r}; the layout CSV needs the header "
                                     "channel,x_mm,y_mm")
        channels = table["channel"].astype("string").str.strip()
        if channels.isna().any() or (channels == "").any():
            row = int(np.argmax((channels.isna() | (channels == "")).to_numpy())) + 2
            raise SignalrnnError(f"{path}: line {row} has no channel name; name every electrode")
        coords = table[["x_mm", "y_mm"]].apply(pd.to_numeric, errors="coerce").to_numpy(float)
        bad = ~np.isfinite(coords).all(axis=1)
        if bad.any():
            channel = channels.iloc[int(np.argmax(bad))]
            raise SignalrnnError(f"{path}: channel {channel!r} has no numeric x_mm, y_mm; give its "
                                 "position in mm")
        return cls(tuple(channels), coords, source=str(path))

    def __len__(self) -> int:
        return len(self.channels)

    @cached_property
    def index(self) -> dict[str, int]:
        """Channel name -> its row in ``positions_mm``."""
        return {channel: i for i, channel in enumerate(self.channels)}

    @property
    def is_regular(self) -> bool:
        """Whether the layout is a rows x columns array built by :meth:`regular`."""
        return self.shape is not None

    def grid_pairs(self) -> np.ndarray:
        """Adjacent pairs of a regular array: the 4-neighbours, one spacing apart.

        Returns
        -------
        np.ndarray
            (pairs, 2) electrode indices ``(i, j)``, ``i < j``: first every horizontal pair
            (same row, next column), then every vertical pair (next row), each row-major.
        """
        if self.shape is None:
            raise SignalrnnError(f"{self.source}: grid pairs need a regular array; use "
                                 "pairs_within(max_distance_mm) for this layout")
        rows, columns = self.shape
        grid = np.arange(rows * columns).reshape(rows, columns)
        horizontal = np.column_stack([grid[:, :-1].ravel(), grid[:, 1:].ravel()])
        vertical = np.column_stack([grid[:-1, :].ravel(), grid[1:, :].ravel()])
        return np.vstack([horizontal, vertical]).astype(np.intp)

    def pairs_within(self, max_distance_mm: float) -> np.ndarray:
        """Pairs of electrodes at most ``max_distance_mm`` apart (any layout).

        Parameters
        ----------
        max_distance_mm
            Largest centre-to-centre distance (mm) that counts as adjacent; a tolerance of
            1e-6 mm absorbs round-off (2 mm finds the 4-neighbours of a 2 mm array).

        Returns
        -------
        np.ndarray
            (pairs, 2) electrode indices ``(i, j)``, ``i < j``, sorted.
        """
        if not (np.isfinite(max_distance_mm) and max_distance_mm > 0):
            raise SignalrnnError(f"max_distance_mm={max_distance_mm!r}: give a positive distance in "
                                 "mm within which electrodes count as adjacent")
        pairs = cKDTree(self.positions_mm).query_pairs(max_distance_mm + _TOLERANCE_MM,
                                                       output_type="ndarray")
        pairs = np.sort(pairs.reshape(-1, 2), axis=1)
        return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))].astype(np.intp)

    def adjacent_pairs(self, max_distance_mm: float | None = None) -> np.ndarray:
        """Adjacent electrode pairs: :meth:`grid_pairs` of a regular array unless a distance is given.

        Parameters
        ----------
        max_distance_mm
            If given, :meth:`pairs_within` this distance; required for a layout from a CSV.

        Returns
        -------
        np.ndarray
            (pairs, 2) electrode indices ``(i, j)``, ``i < j``.
        """
        if max_distance_mm is not None:
            return self.pairs_within(max_distance_mm)
        if self.shape is None:
            raise SignalrnnError(f"{self.source}: not a regular array, so adjacency needs "
                                 "max_distance_mm (e.g. the catheter's inter-electrode distance)")
        return self.grid_pairs()

    def indices_of(self, channels: Sequence | np.ndarray | pd.Series, source: str = "table") -> np.ndarray:
        """Layout indices of a column of channels (a table's rows may repeat a channel).

        Parameters
        ----------
        channels
            Channel names, or integer indices into ``channels`` (as the simulator's truth table
            writes them).
        source
            Names the table in the message.

        Returns
        -------
        np.ndarray
            One index per entry; raises :class:`~signalrnn.errors.SignalrnnError` naming the
            first channel that is not in the layout.
        """
        values = np.asarray(channels)
        if values.size == 0:
            return np.zeros(0, dtype=np.intp)
        if np.issubdtype(values.dtype, np.integer):
            bad = (values < 0) | (values >= len(self))
            if bad.any():
                raise SignalrnnError(f"{source}: channel index {int(values[np.argmax(bad)])} is outside "
                                     f"the layout {self.source} (0 to {len(self) - 1}); use names or "
                                     "indices of this layout")
            return values.astype(np.intp)
        names = pd.Series(values.ravel()).astype(str)
        indices = names.map(self.index)
        if indices.isna().any():
            name = names[indices.isna()].iloc[0]
            raise SignalrnnError(f"{source}: channel {name!r} is not in the layout {self.source}; add "
                                 "its position to the layout or drop its rows")
        return indices.to_numpy(np.intp)

    def check_channels(self, channels: Sequence[str], source: str = "record") -> np.ndarray:
        """Check a record's channel list against the layout; map it onto the layout's order.

        Every record channel must be in the layout and every layout channel in the record
        (the order may differ). Otherwise raises :class:`~signalrnn.errors.SignalrnnError`
        naming the first channel the layout lacks (in the record's order), else the first
        the record lacks (in the layout's order).

        Parameters
        ----------
        channels
            The record's channel names, in the record's column order.
        source
            Names the record in the message (e.g. its path).

        Returns
        -------
        np.ndarray
            For each record channel, its index in the layout.
        """
        names = [str(c) for c in channels]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise SignalrnnError(f"{source}: channel {name!r} appears twice; name each column of "
                                     "the record once")
            seen.add(name)
            if name not in self.index:
                raise SignalrnnError(f"{source}: channel {name!r} is not in the layout {self.source}; "
                                     "add its position to the layout or drop the channel")
        for name in self.channels:
            if name not in seen:
                raise SignalrnnError(f"{source}: lacks channel {name!r} of the layout {self.source}; "
                                     "remove it from the layout or use the layout of this record")
        return np.array([self.index[name] for name in names], dtype=np.intp)


def given_layout(mapping: dict) -> bool:
    """Whether the config's ``mapping`` section gives a layout itself (``layout_csv`` or
    ``array_shape``) rather than leaving it to the simulator's array."""
    return bool(mapping.get("layout_csv") or mapping.get("array_shape"))


def layout_from_config(mapping: dict, simulate: dict) -> ElectrodeLayout:
    """The electrode layout of a config: its ``mapping`` section, else the simulator's array.

    Parameters
    ----------
    mapping
        The config's ``mapping`` section: ``layout_csv`` (a CSV ``channel,x_mm,y_mm``) or a
        regular array ``array_shape`` (rows, columns) at ``spacing_mm``; a null size or spacing
        falls back to the simulator's.
    simulate
        The config's ``simulate`` section (``array_shape``, ``electrode_spacing_mm``).

    Returns
    -------
    ElectrodeLayout
        Read from ``layout_csv``, else the regular array, named as the simulator names it.
    """
    if mapping.get("layout_csv"):
        return ElectrodeLayout.from_csv(mapping["layout_csv"])
    rows, columns = mapping.get("array_shape") or simulate["array_shape"]
    spacing_mm = mapping.get("spacing_mm") or simulate["electrode_spacing_mm"]
    return ElectrodeLayout.regular(int(rows), int(columns), float(spacing_mm))


#: Keys of the electrode layout that a model carries in its model.json (``layout_to_json``).
LAYOUT_KEYS = ("source", "channels", "x_mm", "y_mm", "array_shape", "spacing_mm", "adjacent_mm",
               "velocity_radius_mm")


def layout_to_json(layout: ElectrodeLayout, adjacent_mm: float | None = None,
                   velocity_radius_mm: float | None = None) -> dict:
    """The layout and the adjacency settings of its maps as plain JSON values (model.json).

    Parameters
    ----------
    layout
        The electrode layout.
    adjacent_mm
        Adjacency distance (mm) of the maps; None = the 4-neighbours of a regular array.
    velocity_radius_mm
        Radius (mm) of the velocity plane fit; None = 1.5 x the spacing of a regular array.

    Returns
    -------
    dict
        :data:`LAYOUT_KEYS`: ``channels`` with their ``x_mm``, ``y_mm`` (mm, in the layout's
        order), ``array_shape`` and ``spacing_mm`` (mm) of a regular array (else null), the two
        settings, and ``source``. :func:`layout_from_json` reads it back.
    """
    return {"source": layout.source, "channels": list(layout.channels),
            "x_mm": layout.positions_mm[:, 0].tolist(), "y_mm": layout.positions_mm[:, 1].tolist(),
            "array_shape": list(layout.shape) if layout.shape else None, "spacing_mm": layout.spacing_mm,
            "adjacent_mm": adjacent_mm, "velocity_radius_mm": velocity_radius_mm}


def layout_from_json(entry: dict, where: str) -> tuple[ElectrodeLayout, dict[str, float | None]]:
    """The layout and adjacency settings that :func:`layout_to_json` wrote.

    Parameters
    ----------
    entry
        The JSON object (e.g. ``electrode_layout`` of a model.json).
    where
        Names the file in messages.

    Returns
    -------
    tuple
        The :class:`ElectrodeLayout` (``shape`` and ``spacing_mm`` kept, so a regular array keeps
        its 4-neighbour adjacency) and ``{"adjacent_mm": ..., "velocity_radius_mm": ...}``
        (mm or None).
    """
    missing = [key for key in LAYOUT_KEYS if key not in entry] if isinstance(entry, dict) else LAYOUT_KEYS
    if missing:
        raise SignalrnnError(f"{where}: the electrode layout has no {missing[0]!r}; retrain the model "
                             "(signalrnn train writes channels, x_mm, y_mm and the array settings)")
    if not len(entry["channels"]) == len(entry["x_mm"]) == len(entry["y_mm"]):
        raise SignalrnnError(f"{where}: the electrode layout gives {len(entry['channels'])} channels but "
                             f"{len(entry['x_mm'])} x_mm and {len(entry['y_mm'])} y_mm; retrain the model")
    shape = tuple(int(n) for n in entry["array_shape"]) if entry["array_shape"] else None
    if shape and shape[0] * shape[1] != len(entry["channels"]):
        raise SignalrnnError(f"{where}: the electrode layout's array_shape {list(shape)} does not hold its "
                             f"{len(entry['channels'])} channels; retrain the model")
    layout = ElectrodeLayout(tuple(entry["channels"]), np.column_stack([entry["x_mm"], entry["y_mm"]]),
                             shape, entry["spacing_mm"], f"{entry['source']} (from {where})")
    return layout, {key: entry[key] for key in ("adjacent_mm", "velocity_radius_mm")}
