"""Scores of estimated maps against a ground truth (synthetic data): LAT error, Dice, class shares."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from signalrnn.errors import SignalrnnError
from signalrnn.mapping.geometry import ElectrodeLayout


def _same_shape(estimated: np.ndarray, truth: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(estimated, dtype=float), np.asarray(truth, dtype=float)
    if a.shape != b.shape:
        raise SignalrnnError(f"{what}: estimate has shape {a.shape}, truth {b.shape}; pair the maps "
                             "first (match_maps) so both have the same maps and electrodes")
    return a, b


def activation_time_error_ms(estimated_lat_ms: np.ndarray, true_lat_ms: np.ndarray) -> np.ndarray:
    """Signed activation time error (ms), estimated minus true, per map and electrode.

    Parameters
    ----------
    estimated_lat_ms, true_lat_ms
        (maps, electrodes) LAT in ms of the same maps (see :func:`match_maps`), NaN where
        missing.

    Returns
    -------
    np.ndarray
        (maps, electrodes) error in ms; NaN where either LAT is missing.
    """
    estimated, truth = _same_shape(estimated_lat_ms, true_lat_ms, "activation_time_error_ms")
    return estimated - truth


def median_absolute_error_ms(estimated_lat_ms: np.ndarray, true_lat_ms: np.ndarray) -> float:
    """Median absolute activation time error (ms) over every map and electrode with both LATs.

    Parameters
    ----------
    estimated_lat_ms, true_lat_ms
        (maps, electrodes) LAT in ms of the same maps, NaN where missing.

    Returns
    -------
    float
        Median of ``|estimated - true|`` in ms; NaN if no electrode has both.
    """
    error = np.abs(activation_time_error_ms(estimated_lat_ms, true_lat_ms))
    error = error[~np.isnan(error)]
    return float(np.median(error)) if error.size else float("nan")


def match_maps(estimated_lat_ms: np.ndarray, true_lat_ms: np.ndarray, *,
               max_median_ms: float = 50.0) -> tuple[np.ndarray, np.ndarray]:
    """Pair estimated maps with true maps, one to one, by their median absolute LAT difference.

    The pairing minimises the summed median ``|LAT_estimated - LAT_true|`` over the electrodes
    both maps share (Hungarian algorithm, ``scipy.optimize.linear_sum_assignment``); pairs
    without a shared electrode or farther apart than ``max_median_ms`` are dropped. Use it
    before :func:`activation_time_error_ms` when the estimate has missed or split maps.

    Parameters
    ----------
    estimated_lat_ms, true_lat_ms
        (maps, electrodes) LAT in ms; the map counts may differ, the electrodes may not.
    max_median_ms
        Largest median LAT difference (ms) of a kept pair; below half the shortest cycle
        length, so that a map is never paired with the next cycle.

    Returns
    -------
    tuple of np.ndarray
        Row indices into the estimate and into the truth, in the truth's order.
    """
    estimated, truth = np.asarray(estimated_lat_ms, float), np.asarray(true_lat_ms, float)
    if estimated.ndim != 2 or truth.ndim != 2 or estimated.shape[1] != truth.shape[1]:
        raise SignalrnnError(f"match_maps: estimate {estimated.shape} and truth {truth.shape} must be "
                             "(maps, electrodes) arrays over the same electrodes")
    if not (np.isfinite(max_median_ms) and max_median_ms > 0):
        raise SignalrnnError(f"max_median_ms={max_median_ms!r}: give a positive number of ms")
    if not len(estimated) or not len(truth):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    difference = np.abs(estimated[:, None, :] - truth[None, :, :])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices: no shared electrode
        cost = np.nanmedian(difference, axis=-1)
    usable = np.isfinite(cost) & (cost <= max_median_ms)
    rows, cols = linear_sum_assignment(np.where(usable, cost, 1e3 * max_median_ms + 1e9))
    keep = usable[rows, cols]
    rows, cols = rows[keep], cols[keep]
    order = np.argsort(cols, kind="stable")
    return rows[order].astype(np.intp), cols[order].astype(np.intp)


def dice(mask_a: np.ndarray, mask_b: np.ndarray) -> float:
    """Dice overlap of two boolean masks (electrodes, pairs, or maps x electrodes).

    ``2 |A and B| / (|A| + |B|)`` (Dice, Ecology 1945;26:297-302; the Dice-Sorensen index):
    1 for identical masks, 0 for disjoint ones. Two empty masks agree perfectly: 1.

    Parameters
    ----------
    mask_a, mask_b
        Boolean arrays of the same shape (e.g. ``ConductionBlock.electrode_share > 0.2`` of the
        estimate and of the truth).

    Returns
    -------
    float
        The Dice coefficient in [0, 1].
    """
    a, b = np.asarray(mask_a), np.asarray(mask_b)
    if a.shape != b.shape:
        raise SignalrnnError(f"dice: masks of shapes {a.shape} and {b.shape}; compare masks over the "
                             "same electrodes or pairs")
    if a.dtype != bool or b.dtype != bool:
        raise SignalrnnError("dice: give boolean masks (e.g. share > threshold), not "
                             f"{a.dtype} and {b.dtype}")
    total = int(a.sum()) + int(b.sum())
    return 1.0 if total == 0 else 2.0 * int(np.logical_and(a, b).sum()) / total


def class_shares(potentials: pd.DataFrame, layout: ElectrodeLayout, class_name: str, *,
                 channel_column: str = "channel", class_column: str = "class",
                 source: str = "potentials") -> np.ndarray:
    """Share of an electrode's potentials that are of class ``class_name`` (e.g. fractionated).

    Parameters
    ----------
    potentials
        One row per potential: channel (name or layout index) and class label.
    layout
        The electrode layout; the result follows its channel order.
    class_name
        The class whose share is wanted, e.g. ``"fractionated"``.
    channel_column, class_column
        Column names of the channel and of the class.
    source
        Names the table in error messages.

    Returns
    -------
    np.ndarray
        (electrodes,) share in [0, 1]; NaN for an electrode without potentials.
    """
    for column in (channel_column, class_column):
        if column not in potentials.columns:
            raise SignalrnnError(f"{source}: no column {column!r}; give one row per potential with "
                                 f"its channel ({channel_column!r}) and class ({class_column!r})")
    electrode = layout.indices_of(potentials[channel_column].to_numpy(), source)
    hit = (potentials[class_column].astype(str) == str(class_name)).to_numpy()
    total = np.bincount(electrode, minlength=len(layout)).astype(float)
    of_class = np.bincount(electrode, weights=hit.astype(float), minlength=len(layout))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, of_class / total, np.nan)


def class_share_error(estimated: pd.DataFrame, truth: pd.DataFrame, layout: ElectrodeLayout,
                      class_name: str, *, channel_column: str = "channel",
                      class_column: str = "class") -> np.ndarray:
    """Per-electrode error of a class share: estimated share minus true share.

    Parameters
    ----------
    estimated, truth
        Potentials tables (channel, class), e.g. the classifier's and the simulator's.
    layout
        The electrode layout; the result follows its channel order.
    class_name
        The class, e.g. ``"fractionated"``.
    channel_column, class_column
        Column names of the channel and of the class in both tables.

    Returns
    -------
    np.ndarray
        (electrodes,) error in share units (-1 to 1); NaN where either table has no potential
        on the electrode.
    """
    return (class_shares(estimated, layout, class_name, channel_column=channel_column,
                         class_column=class_column, source="estimated potentials")
            - class_shares(truth, layout, class_name, channel_column=channel_column,
                           class_column=class_column, source="true potentials"))
