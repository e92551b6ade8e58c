"""Conduction block: adjacent LAT difference >= 12 ms, exactly where a constructed line lies."""

from __future__ import annotations

import numpy as np
import pytest

from signalrnn.errors import SignalrnnError
from signalrnn.mapping import BLOCK_THRESHOLD_MS, conduction_block, lat_differences_ms

LATE_ROWS = 4  # rows E-H activate late: the line of block lies between rows D and E


def with_line(layout, lat_ms: np.ndarray, jump_ms: float) -> np.ndarray:
    """LATs with a jump of ``jump_ms`` from row D to row E (rows E-H activate later)."""
    rows, columns = layout.shape
    late = np.arange(rows * columns) >= LATE_ROWS * columns
    return lat_ms + jump_ms * late


def crossing_pairs(layout) -> set[tuple[int, int]]:
    """The vertical pairs D-E of every column: the pairs that cross the line."""
    columns = layout.shape[1]
    return {(3 * columns + c, 4 * columns + c) for c in range(columns)}


def test_the_default_threshold_is_12_ms():
    assert BLOCK_THRESHOLD_MS == 12.0


@pytest.mark.parametrize("direction_deg", [0.0, 30.0, -60.0])
def test_a_20_ms_jump_is_block_exactly_on_the_pairs_crossing_the_line(array_8x24, planar_wave,
                                                                      direction_deg):
    lat = with_line(array_8x24, planar_wave(array_8x24, 60.0, direction_deg), 20.0)
    pairs = array_8x24.adjacent_pairs()
    block = conduction_block(lat[None], pairs)
    blocked = {tuple(p) for p in pairs[block.pair_block[0]]}
    assert blocked == crossing_pairs(array_8x24)
    touching = np.flatnonzero(block.electrode_block[0])
    np.testing.assert_array_equal(touching, np.arange(3 * 24, 5 * 24))  # rows D and E
    assert block.map_has_block.tolist() == [True]


def test_a_10_ms_jump_is_no_block_at_12_ms_but_is_at_10_ms(array_8x24, planar_wave):
    lat = with_line(array_8x24, planar_wave(array_8x24, 60.0, 0.0), 10.0)  # wave along the line
    pairs = array_8x24.adjacent_pairs()
    assert not conduction_block(lat[None], pairs).pair_block.any()
    lower = conduction_block(lat[None], pairs, threshold_ms=10.0)  # ">=": 10 ms is block at 10 ms
    assert {tuple(p) for p in pairs[lower.pair_block[0]]} == crossing_pairs(array_8x24)


def test_shares_count_the_maps_with_block_among_maps_with_a_lat(array_8x24, planar_wave):
    wave = planar_wave(array_8x24, 60.0, 0.0)
    lat = np.stack([with_line(array_8x24, wave, 20.0), wave, with_line(array_8x24, wave, 20.0), wave])
    d01, e01 = 3 * 24, 4 * 24
    lat[3, d01] = np.nan  # D01 has no LAT in the last map
    pairs = array_8x24.adjacent_pairs()
    block = conduction_block(lat, pairs)
    pair_index = {tuple(p): i for i, p in enumerate(pairs)}
    assert block.pair_share[pair_index[(d01, e01)]] == pytest.approx(2 / 3)  # map 3 not measured
    assert block.pair_share[pair_index[(d01 + 1, e01 + 1)]] == pytest.approx(2 / 4)
    assert block.pair_share[pair_index[(0, 1)]] == 0.0
    assert block.electrode_share[d01] == pytest.approx(2 / 3)
    assert block.electrode_share[e01] == pytest.approx(2 / 4)
    assert block.map_has_block.tolist() == [True, False, True, False]


def test_pairs_without_both_lats_are_never_block_and_have_no_share(array_8x24):
    lat = np.full((2, len(array_8x24)), np.nan)
    lat[:, 0] = [10.0, 10.0]
    pairs = array_8x24.adjacent_pairs()
    block = conduction_block(lat, pairs)
    assert not block.pair_block.any()
    assert np.isnan(block.pair_share).all()
    assert block.electrode_share[0] == 0.0 and np.isnan(block.electrode_share[1])


def test_lat_differences_are_absolute_and_nan_where_missing():
    lat = np.array([[10.0, 25.0, np.nan], [30.0, 18.0, 5.0]])
    differences = lat_differences_ms(lat, np.array([[0, 1], [1, 2]]))
    np.testing.assert_array_equal(differences, [[15.0, np.nan], [12.0, 13.0]])


@pytest.mark.parametrize(("pairs", "threshold", "message"), [
    (np.array([[0, 5]]), 12.0, "pairs name electrode 5"),
    (np.array([0, 1]), 12.0, r"pairs has shape \(2,\)"),
    (np.array([[0, 1]]), -1.0, "threshold_ms=-1.0"),
])
def test_bad_block_arguments_are_refused(pairs, threshold, message):
    with pytest.raises(SignalrnnError, match=message):
        conduction_block(np.zeros((1, 3)), pairs, threshold_ms=threshold)
