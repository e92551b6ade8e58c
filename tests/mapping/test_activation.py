"""Grouping a recording's activations into LAT maps: by wavefront and by reference windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signalrnn.errors import SignalrnnError
from signalrnn.mapping import maps_by_reference, maps_by_wavefront


def activation_table(layout, lat_ms: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """One row per non-NaN LAT (channel name, activation_ms), in random order."""
    maps, electrodes = np.nonzero(~np.isnan(lat_ms))
    table = pd.DataFrame({"channel": np.asarray(layout.channels)[electrodes],
                          "activation_ms": lat_ms[maps, electrodes]})
    return table.sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.fixture
def af_like_maps(array_8x24, planar_wave) -> np.ndarray:
    """25 planar waves: cycle length 150-220 ms, 30-90 cm/s, the direction wandering 20 degrees
    (SD) per cycle. A 30 cm/s wave takes 150 ms to cross the array, more than half a cycle;
    every electrode's own cycle length stays above 100 ms (refractoriness)."""
    rng = np.random.default_rng(1)
    onsets = 200.0 + np.cumsum(rng.uniform(150.0, 220.0, 25))
    directions = rng.uniform(-180, 180) + np.cumsum(rng.normal(0.0, 20.0, 25))
    lat = np.stack([planar_wave(array_8x24, rng.uniform(30, 90), direction, onset)
                    for onset, direction in zip(onsets, directions, strict=True)])
    assert np.diff(lat, axis=0).min() > 100.0
    return lat


def test_wavefront_grouping_recovers_every_cycle(array_8x24, af_like_maps):
    maps = maps_by_wavefront(activation_table(array_8x24, af_like_maps), array_8x24)
    assert maps.n_maps == len(af_like_maps)
    assert maps.unassigned == 0
    assert maps.channels == array_8x24.channels
    np.testing.assert_allclose(maps.lat_ms, af_like_maps)


def test_wavefront_grouping_keeps_both_sides_of_a_block_line_in_one_map(array_8x24, af_like_maps):
    lat = af_like_maps.copy()
    lat[:, 96:] += 20.0  # rows E-H activate 20 ms late: a line of block between rows D and E
    maps = maps_by_wavefront(activation_table(array_8x24, lat), array_8x24)
    np.testing.assert_allclose(maps.lat_ms, lat)


def test_missing_electrodes_are_nan_and_isolated_detections_are_dropped(array_8x24, af_like_maps):
    lat = af_like_maps.copy()
    lat[3, 10] = np.nan
    table = activation_table(array_8x24, lat)
    gap = np.argmax(np.diff(lat[:, 52]))  # a detection halfway between two waves at C05
    noise = pd.DataFrame({"channel": ["C05"], "activation_ms": [lat[gap:gap + 2, 52].mean()]})
    maps = maps_by_wavefront(pd.concat([table, noise], ignore_index=True), array_8x24)
    np.testing.assert_allclose(maps.lat_ms, lat)
    assert maps.unassigned == 1


def test_a_second_activation_of_an_electrode_in_one_wave_is_not_its_lat(array_8x24, af_like_maps):
    table = activation_table(array_8x24, af_like_maps)
    second = pd.DataFrame({"channel": ["D12"], "activation_ms": [af_like_maps[2, 83] + 8.0]})
    maps = maps_by_wavefront(pd.concat([table, second], ignore_index=True), array_8x24)
    np.testing.assert_allclose(maps.lat_ms, af_like_maps)
    assert maps.unassigned == 1


def test_reference_windows_group_an_organised_rhythm(array_8x24, planar_wave):
    onsets = 300.0 + 400.0 * np.arange(12)  # sinus-like: 400 ms cycles, 90 cm/s
    lat = np.stack([planar_wave(array_8x24, 90.0, 20.0, onset) for onset in onsets])
    reference = lat[:, array_8x24.index["A01"]]
    maps = maps_by_reference(activation_table(array_8x24, lat), array_8x24, reference,
                             before_ms=150.0, after_ms=250.0)
    np.testing.assert_allclose(maps.lat_ms, lat)
    assert maps.unassigned == 0


def test_reference_windows_leave_out_activations_outside_every_window(array_8x24):
    table = pd.DataFrame({"channel": ["A01", "A02", "A03"], "activation_ms": [95.0, 330.0, 505.0]})
    maps = maps_by_reference(table, array_8x24, [100.0, 500.0], before_ms=10.0, after_ms=20.0)
    assert maps.n_maps == 2
    assert maps.lat_ms[0, 0] == 95.0 and maps.lat_ms[1, 2] == 505.0
    assert np.isnan(maps.lat_ms[:, 1]).all()
    assert maps.unassigned == 1
    assert maps.to_frame().to_dict("list") == {"map": [0, 1], "channel": ["A01", "A03"],
                                               "lat_ms": [95.0, 505.0]}


def test_simulator_style_channel_indices_are_accepted(array_8x24):
    table = pd.DataFrame({"channel": [0, 1, 24], "activation_ms": [10.0, 13.0, 12.0]})
    maps = maps_by_wavefront(table, array_8x24)
    np.testing.assert_allclose(maps.lat_ms[0, [0, 1, 24]], [10.0, 13.0, 12.0])


@pytest.mark.parametrize(("table", "message"), [
    (pd.DataFrame({"channel": ["A01", "Q07"], "activation_ms": [1.0, 2.0]}), "channel 'Q07'"),
    (pd.DataFrame({"channel": ["A01"], "time": [1.0]}), "no column 'activation_ms'"),
    (pd.DataFrame({"channel": ["A01", "A02"], "activation_ms": [1.0, np.nan]}), "row 1 has no finite"),
])
def test_bad_activation_tables_name_the_problem(array_8x24, table, message):
    with pytest.raises(SignalrnnError, match=message):
        maps_by_wavefront(table, array_8x24, source="p01_r01")


def test_reference_times_must_increase(array_8x24):
    table = pd.DataFrame({"channel": ["A01"], "activation_ms": [1.0]})
    with pytest.raises(SignalrnnError, match="strictly increasing"):
        maps_by_reference(table, array_8x24, [200.0, 100.0], before_ms=10.0, after_ms=10.0)
