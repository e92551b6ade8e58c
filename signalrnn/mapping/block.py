"""Conduction block between adjacent electrodes: a local activation time (LAT) difference >= 12 ms.

Definition of the Rotterdam group's high-resolution epicardial mapping studies (192 or 128
unipolar electrodes, 2 mm apart): conduction delay is a LAT difference of 7-11 ms between
adjacent electrodes, conduction block a difference of at least 12 ms (Lanters et al., Int J
Cardiol, repub.eur.nl/pub/101831: "CD, delta local activation time >= 7 ms" and "CB (delta >=
12 ms)"; the project notes also cite de Groot et al., Circulation 2010;122:1674-82, whose
abstract was not at hand). Some of the group's abstracts use >= 11 ms (Europace 2016;18 suppl 1:i162):
the threshold is a parameter. At 2 mm spacing, 12 ms is an effective velocity below about
17 cm/s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signalrnn.errors import SignalrnnError

BLOCK_THRESHOLD_MS = 12.0
_ROUND_OFF_MS = 1e-6  # differences this close below the threshold count as at it (float round-off)


def _check_lat_pairs(lat_ms: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = np.asarray(lat_ms, dtype=float)
    if lat.ndim != 2:
        raise SignalrnnError(f"lat_ms has shape {lat.shape}; expected (maps, electrodes)")
    index = np.asarray(pairs)
    if index.ndim != 2 or index.shape[1] != 2 or (index.size and not np.issubdtype(index.dtype,
                                                                                   np.integer)):
        raise SignalrnnError(f"pairs has shape {index.shape}; expected (pairs, 2) electrode indices, "
                             "e.g. from ElectrodeLayout.adjacent_pairs()")
    if index.size and (index.min() < 0 or index.max() >= lat.shape[1]):
        raise SignalrnnError(f"pairs name electrode {int(index.max())}, but lat_ms has "
                             f"{lat.shape[1]} electrodes; use the pairs of the same layout")
    return lat, index.astype(np.intp).reshape(-1, 2)


def lat_differences_ms(lat_ms: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Absolute LAT difference (ms) across every electrode pair in every map.

    Parameters
    ----------
    lat_ms
        (maps, electrodes) LAT in ms, NaN where an electrode has no activation.
    pairs
        (pairs, 2) electrode indices, e.g. :meth:`ElectrodeLayout.adjacent_pairs`.

    Returns
    -------
    np.ndarray
        (maps, pairs) ``|LAT_i - LAT_j|`` in ms; NaN where either electrode has no LAT.
    """
    lat, index = _check_lat_pairs(lat_ms, pairs)
    return np.abs(lat[:, index[:, 0]] - lat[:, index[:, 1]])


@dataclass(frozen=True, eq=False)
class ConductionBlock:
    """Conduction block per adjacent pair and map, and where it recurs.

    Attributes
    ----------
    pairs
        (pairs, 2) electrode indices tested.
    threshold_ms
        The LAT difference (ms) at and above which a pair is blocked.
    difference_ms
        (maps, pairs) absolute LAT difference (ms), NaN where an electrode has no LAT.
    pair_block
        (maps, pairs) bool: the pair is blocked in that map.
    electrode_block
        (maps, electrodes) bool: the electrode touches a line of block (is one end of a
        blocked pair) in that map.
    pair_share
        (pairs,) share of maps with block among the maps where both electrodes have a LAT
        (NaN if none).
    electrode_share
        (electrodes,) share of maps in which the electrode touches a line of block among the
        maps where it has a LAT (NaN if none).
    map_has_block
        (maps,) bool: at least one pair of the map is blocked.
    """

    pairs: np.ndarray
    threshold_ms: float
    difference_ms: np.ndarray
    pair_block: np.ndarray
    electrode_block: np.ndarray
    pair_share: np.ndarray
    electrode_share: np.ndarray
    map_has_block: np.ndarray


def conduction_block(lat_ms: np.ndarray, pairs: np.ndarray,
                     threshold_ms: float = BLOCK_THRESHOLD_MS) -> ConductionBlock:
    """Conduction block: adjacent electrodes whose LATs differ by ``threshold_ms`` (12 ms) or more.

    Definition of the Rotterdam group (conduction delay 7-11 ms, conduction block >= 12 ms
    between adjacent electrodes of a 2 mm array: Lanters et al., Int J Cardiol, read in its
    abstract; de Groot et al., Circulation 2010;122:1674-82). One of the group's
    abstracts uses >= 11 ms (Europace 2016;18 suppl 1:i162), hence the parameter. A
    difference within 1e-6 ms below the threshold counts as at it (float round-off). Pairs
    where either electrode lacks a LAT are never blocked (and leave the denominators of the
    shares).

    Parameters
    ----------
    lat_ms
        (maps, electrodes) LAT in ms, NaN where an electrode has no activation.
    pairs
        (pairs, 2) adjacent electrode indices, e.g. :meth:`ElectrodeLayout.adjacent_pairs`.
    threshold_ms
        Smallest LAT difference (ms) that counts as block; default 12 ms.

    Returns
    -------
    ConductionBlock
        Block per pair and map, the electrodes touching a line of block, and their shares.
    """
    if not (np.isfinite(threshold_ms) and threshold_ms > 0):
        raise SignalrnnError(f"threshold_ms={threshold_ms!r}: give the LAT difference (ms) that "
                             "counts as block, e.g. 12")
    lat, index = _check_lat_pairs(lat_ms, pairs)
    difference = np.abs(lat[:, index[:, 0]] - lat[:, index[:, 1]])
    measured = ~np.isnan(difference)
    blocked = measured & (difference >= threshold_ms - _ROUND_OFF_MS)
    n_maps, n_electrodes = lat.shape
    touches = np.zeros((n_maps, n_electrodes), dtype=bool)
    maps, which = np.nonzero(blocked)
    touches[maps, index[which, 0]] = True
    touches[maps, index[which, 1]] = True
    has_lat = ~np.isnan(lat)
    with np.errstate(invalid="ignore", divide="ignore"):
        pair_share = blocked.sum(axis=0) / measured.sum(axis=0)
        electrode_share = touches.sum(axis=0) / has_lat.sum(axis=0)
    return ConductionBlock(index, float(threshold_ms), difference, blocked, touches,
                           np.where(measured.any(axis=0), pair_share, np.nan),
                           np.where(has_lat.any(axis=0), electrode_share, np.nan),
                           blocked.any(axis=1))
