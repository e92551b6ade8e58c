"""The maps of one recording from constructed potentials whose maps are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signalrnn.errors import SignalrnnError
from signalrnn.mapping import ElectrodeLayout
from signalrnn.mapping.maps import (
    block_table,
    electrode_table,
    lat_table,
    recording_maps,
    representative_maps,
    velocity_table,
)

CLASSES = ("single", "short_double", "long_double", "fractionated")


@pytest.fixture
def layout() -> ElectrodeLayout:
    return ElectrodeLayout.regular(4, 6, 2.0)


def blocked_wave_potentials(layout: ElectrodeLayout, planar_wave, cycles: int = 5) -> pd.DataFrame:
    """A wave along +x at 50 cm/s every 200 ms; columns 4-6 activate 20 ms late (a block line
    between columns 3 and 4); column 1 fractionated, column 3 double, the rest single."""
    base = planar_wave(layout, 50.0, 0.0, onset_ms=0.0)
    column = np.array([int(c[1:]) for c in layout.channels])
    late = np.where(column >= 4, 20.0, 0.0)
    kind = np.where(column == 1, "fractionated", np.where(column == 3, "long_double", "single"))
    rows = [pd.DataFrame({"channel": layout.channels, "activation_ms": 100.0 + 200.0 * k + base + late,
                          "class": kind}) for k in range(cycles)]
    return pd.concat(rows, ignore_index=True)


def test_a_blocked_wave_gives_one_map_per_cycle_and_block_only_across_the_line(layout, planar_wave):
    maps = recording_maps(blocked_wave_potentials(layout, planar_wave), layout, CLASSES)
    assert maps.activation.n_maps == 5
    blocked = block_table(maps)
    assert len(blocked) == 5 * 4  # every row's pair (C3, C4) in every map
    assert set(blocked["channel_a"].str[1:]) == {"03"} and set(blocked["channel_b"].str[1:]) == {"04"}
    np.testing.assert_allclose(blocked["difference_ms"], 24.0)  # 4 ms of travel + 20 ms of delay


def test_class_shares_mark_the_fractionated_column_and_the_double_column(layout, planar_wave):
    maps = recording_maps(blocked_wave_potentials(layout, planar_wave), layout, CLASSES)
    table = electrode_table(maps)
    column = table["channel"].str[1:].astype(int)
    assert (table["fractionation_prone"] == (column == 1)).all()
    assert (table["on_block_line"] == (column == 3)).all()
    np.testing.assert_allclose(table.loc[column == 2, "share_single"], 1.0)
    assert (table["n_potentials"] == 5).all()


def test_lat_table_is_relative_to_each_maps_earliest_activation(layout, planar_wave):
    maps = recording_maps(blocked_wave_potentials(layout, planar_wave), layout, CLASSES)
    lat = lat_table(maps)
    assert len(lat) == 5 * len(layout)
    assert (lat.groupby("map")["relative_ms"].min() == 0).all()
    span_ms = 5 * 4.0 + 20.0  # 5 spacings at 4 ms, then the delay
    np.testing.assert_allclose(lat.groupby("map")["relative_ms"].max(), span_ms)


def test_velocity_away_from_the_block_is_the_planar_waves(layout, planar_wave):
    maps = recording_maps(blocked_wave_potentials(layout, planar_wave), layout, CLASSES)
    v = velocity_table(maps)
    far = v[v["channel"].str[1:].astype(int) == 6]  # its 3 x 3 block stays behind the line
    np.testing.assert_allclose(far["speed_cm_per_s"], 50.0, rtol=1e-6)
    np.testing.assert_allclose(far["direction_rad"], 0.0, atol=1e-6)


def test_representative_maps_pick_the_most_complete_map_of_each_stretch(layout, planar_wave):
    potentials = blocked_wave_potentials(layout, planar_wave, cycles=6)
    potentials = potentials.drop(index=[len(layout) * 1, len(layout) * 1 + 1])  # map 1 misses two
    maps = recording_maps(potentials, layout, CLASSES)
    np.testing.assert_array_equal(representative_maps(maps, 2), [0, 3])
    assert len(representative_maps(maps, 10)) == 6


def test_a_potential_on_a_channel_outside_the_layout_is_named(layout, planar_wave):
    potentials = blocked_wave_potentials(layout, planar_wave)
    potentials.loc[3, "channel"] = "Z99"
    with pytest.raises(SignalrnnError, match="'Z99'"):
        recording_maps(potentials, layout, CLASSES, source="p01_r1.csv")


def test_a_table_without_classes_is_refused_with_the_missing_column(layout, planar_wave):
    with pytest.raises(SignalrnnError, match="p01_r1.csv: no column 'class'"):
        recording_maps(blocked_wave_potentials(layout, planar_wave).drop(columns="class"), layout, CLASSES,
                       source="p01_r1.csv")
