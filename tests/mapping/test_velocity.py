"""Conduction velocity by local plane fits: known planar waves, too few neighbours, block lines."""

from __future__ import annotations

import numpy as np
import pytest

from signalrnn.errors import SignalrnnError
from signalrnn.mapping import ElectrodeLayout, conduction_velocity, neighbourhoods


def angle_error_deg(estimated_rad: np.ndarray, true_deg: float) -> np.ndarray:
    return np.abs((np.rad2deg(estimated_rad) - true_deg + 180.0) % 360.0 - 180.0)


@pytest.mark.parametrize(("speed_cm_per_s", "direction_deg"),
                         [(60.0, 0.0), (60.0, 30.0), (25.0, 135.0), (110.0, -100.0), (40.0, 180.0)])
def test_a_planar_wave_gives_its_speed_and_direction_everywhere(array_8x24, planar_wave,
                                                                speed_cm_per_s, direction_deg):
    lat = planar_wave(array_8x24, speed_cm_per_s, direction_deg)
    field = conduction_velocity(lat[None], array_8x24)
    assert not np.isnan(field.speed_cm_per_s).any()  # corners too: 4 electrodes with a LAT
    np.testing.assert_allclose(field.speed_cm_per_s, speed_cm_per_s, rtol=0.05)
    assert angle_error_deg(field.direction_rad, direction_deg).max() < 5.0
    np.testing.assert_allclose(np.hypot(field.vx_cm_per_s, field.vy_cm_per_s), field.speed_cm_per_s)
    np.testing.assert_allclose(field.residual_ms, 0.0, atol=1e-9)


def test_speed_is_in_cm_per_s_and_direction_follows_the_layout_axes(array_8x24):
    x, y = array_8x24.positions_mm.T
    lat = 100.0 + y / 0.5  # 0.5 mm/ms = 50 cm/s towards +y: from row A to row H
    field = conduction_velocity(lat[None], array_8x24)
    np.testing.assert_allclose(field.speed_cm_per_s, 50.0)
    np.testing.assert_allclose(field.direction_rad, np.pi / 2)
    np.testing.assert_allclose(field.vx_cm_per_s, 0.0, atol=1e-9)


def test_noisy_lats_still_give_the_speed_within_5_percent_on_average(array_8x24, planar_wave):
    rng = np.random.default_rng(0)
    lat = planar_wave(array_8x24, 60.0, 30.0) + rng.uniform(-0.5, 0.5, len(array_8x24))  # 1 kHz
    field = conduction_velocity(lat[None], array_8x24)
    assert np.median(field.speed_cm_per_s) == pytest.approx(60.0, rel=0.05)
    assert np.median(angle_error_deg(field.direction_rad, 30.0)) < 5.0


def test_too_few_neighbours_with_a_lat_give_nan(array_8x24, planar_wave):
    lat = planar_wave(array_8x24, 60.0, 30.0)
    sparse = np.full_like(lat, np.nan)
    keep = [array_8x24.index[c] for c in ("C05", "C06", "D05")]  # 3 electrodes: < 4
    sparse[keep] = lat[keep]
    field = conduction_velocity(sparse[None], array_8x24)
    assert np.isnan(field.speed_cm_per_s).all()
    assert (field.n_electrodes == 0).all()
    one_more = sparse.copy()
    one_more[array_8x24.index["D06"]] = lat[array_8x24.index["D06"]]
    field = conduction_velocity(one_more[None], array_8x24)
    assert field.speed_cm_per_s[0, array_8x24.index["C05"]] == pytest.approx(60.0, rel=0.05)
    assert np.isnan(field.speed_cm_per_s[0, array_8x24.index["A01"]])  # no LAT of its own


def test_collinear_neighbours_give_nan(array_8x24, planar_wave):
    lat = planar_wave(array_8x24, 60.0, 30.0)
    row_only = np.where(np.arange(len(lat)) // 24 == 3, lat, np.nan)  # only row D has LATs
    assert np.isnan(conduction_velocity(row_only[None], array_8x24).speed_cm_per_s).all()


def test_a_window_keeps_fits_from_straddling_a_block_line(array_8x24, planar_wave):
    lat = planar_wave(array_8x24, 60.0, 0.0) + 20.0 * (np.arange(len(array_8x24)) >= 96)
    near_line = np.arange(3 * 24 + 1, 3 * 24 + 23)  # row D, away from the corners
    straddling = conduction_velocity(lat[None], array_8x24)
    assert np.all(straddling.speed_cm_per_s[0, near_line] < 30.0)  # the jump reads as slow conduction
    assert np.all(straddling.residual_ms[0, near_line] > 3.0)  # not one plane: 4.7 ms here
    windowed = conduction_velocity(lat[None], array_8x24, window_ms=10.0)
    np.testing.assert_allclose(windowed.speed_cm_per_s[0, near_line], 60.0, rtol=0.05)


def test_a_csv_layout_needs_a_radius(tmp_path):
    path = tmp_path / "basket.csv"
    path.write_text("channel,x_mm,y_mm\n" + "".join(f"E{i},{i % 3 * 4},{i // 3 * 4}\n" for i in range(9)))
    layout = ElectrodeLayout.from_csv(path)
    lat = 10.0 + layout.positions_mm[:, 0] / 0.8  # 80 cm/s along x
    with pytest.raises(SignalrnnError, match="radius_mm"):
        conduction_velocity(lat[None], layout)
    field = conduction_velocity(lat[None], layout, radius_mm=6.0)
    np.testing.assert_allclose(field.speed_cm_per_s, 80.0)


def test_neighbourhoods_of_a_regular_array_are_3_by_3_blocks(array_8x24):
    table = neighbourhoods(array_8x24, 1.5 * 2.0)
    assert table.shape == (192, 9)
    assert (table[0] >= 0).sum() == 4  # A01: A01, A02, B01, B02
    assert table[0, :4].tolist() == [0, 1, 24, 25]


def test_lat_columns_must_match_the_layout(array_8x24):
    with pytest.raises(SignalrnnError, match=r"expected \(maps, 192\)"):
        conduction_velocity(np.zeros((1, 10)), array_8x24)
