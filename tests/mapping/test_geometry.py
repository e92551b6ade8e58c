"""Electrode layouts: the simulator's naming and placement, adjacency, and channel checks."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from signalrnn.data.simulate import channel_names, electrode_positions_mm
from signalrnn.errors import SignalrnnError
from signalrnn.mapping import ElectrodeLayout, layout_from_config, regular_channel_names
from signalrnn.mapping.geometry import layout_from_json, layout_to_json


def test_regular_names_are_row_letter_and_two_digit_column_row_major(array_8x24):
    names = array_8x24.channels
    assert len(names) == 192
    assert names[:3] == ("A01", "A02", "A03")
    assert names[23:25] == ("A24", "B01")
    assert names[-1] == "H24"
    assert regular_channel_names(2, 3) == ["A01", "A02", "A03", "B01", "B02", "B03"]


def test_regular_positions_are_column_x_row_y_centred(array_8x24):
    pos = dict(zip(array_8x24.channels, array_8x24.positions_mm, strict=True))
    np.testing.assert_allclose(pos["A01"], [-23.0, -7.0])
    np.testing.assert_allclose(pos["A02"], [-21.0, -7.0])  # next column: x + spacing
    np.testing.assert_allclose(pos["B01"], [-23.0, -5.0])  # next row: y + spacing
    np.testing.assert_allclose(pos["H24"], [23.0, 7.0])
    np.testing.assert_allclose(array_8x24.positions_mm.mean(axis=0), [0.0, 0.0], atol=1e-12)


def test_regular_layout_names_and_places_electrodes_as_the_simulator_does():
    layout = ElectrodeLayout.regular(8, 24, 2.0)
    assert list(layout.channels) == channel_names([8, 24])
    np.testing.assert_allclose(layout.positions_mm, electrode_positions_mm([8, 24], 2.0))


def test_grid_pairs_are_the_4_neighbours_one_spacing_apart(array_8x24):
    pairs = array_8x24.grid_pairs()
    assert len(pairs) == 8 * 23 + 7 * 24
    distance = np.linalg.norm(np.diff(array_8x24.positions_mm[pairs], axis=1)[:, 0], axis=1)
    np.testing.assert_allclose(distance, 2.0)
    assert {tuple(p) for p in pairs} == {tuple(p) for p in array_8x24.pairs_within(2.0)}
    assert np.array_equal(array_8x24.adjacent_pairs(), pairs)


def test_pairs_within_a_distance_add_the_diagonals(array_8x24):
    pairs = array_8x24.pairs_within(2.0 * np.sqrt(2.0))
    assert len(pairs) == 8 * 23 + 7 * 24 + 2 * 7 * 23
    assert (pairs[:, 0] < pairs[:, 1]).all()


def write_csv(path, rows):
    path.write_text("channel,x_mm,y_mm\n" + "".join(f"{c},{x},{y}\n" for c, x, y in rows))
    return path


@pytest.fixture
def catheter(tmp_path) -> ElectrodeLayout:
    """A 4-electrode catheter, 2 mm between electrodes along x."""
    return ElectrodeLayout.from_csv(write_csv(tmp_path / "catheter.csv",
                                              [("CS1", 0, 0), ("CS2", 2, 0), ("CS3", 4, 0), ("CS4", 6, 0)]))


def test_csv_layout_keeps_the_file_order_and_finds_pairs_by_distance(catheter):
    assert catheter.channels == ("CS1", "CS2", "CS3", "CS4")
    assert not catheter.is_regular
    assert catheter.adjacent_pairs(2.0).tolist() == [[0, 1], [1, 2], [2, 3]]
    with pytest.raises(SignalrnnError, match="max_distance_mm"):
        catheter.adjacent_pairs()


def test_check_channels_maps_a_reordered_record_onto_the_layout(catheter):
    assert catheter.check_channels(["CS3", "CS1", "CS4", "CS2"]).tolist() == [2, 0, 3, 1]


def test_a_layout_channel_the_record_lacks_is_named(catheter):
    with pytest.raises(SignalrnnError, match="rec1: lacks channel 'CS4'"):
        catheter.check_channels(["CS1", "CS2", "CS3"], source="rec1")


def test_a_record_channel_the_layout_lacks_is_named(catheter):
    with pytest.raises(SignalrnnError, match="channel 'ECG' is not in the layout"):
        catheter.check_channels(["CS1", "CS2", "ECG", "CS3", "CS4"])


@pytest.mark.parametrize(("text", "message"), [
    ("channel,x_mm\nA,0\n", "no column 'y_mm'"),
    ("channel,x_mm,y_mm\nA,0,0\nA,2,0\n", "channel 'A' appears twice"),
    ("channel,x_mm,y_mm\nA,0,0\nB,two,0\n", "channel 'B' has no numeric x_mm, y_mm"),
    ("channel,x_mm,y_mm\nA,0,0\nB,0,0\n", "channels 'A' and 'B' share the position"),
    ("", "not a readable CSV"),
])
def test_bad_layout_files_give_one_line_errors(tmp_path, text, message):
    path = tmp_path / "layout.csv"
    path.write_text(text)
    with pytest.raises(SignalrnnError, match=message) as error:
        ElectrodeLayout.from_csv(path)
    assert "\n" not in str(error.value)
    assert str(path) in str(error.value)


def test_missing_layout_file_is_named(tmp_path):
    with pytest.raises(SignalrnnError, match="no such layout file"):
        ElectrodeLayout.from_csv(tmp_path / "none.csv")


@pytest.mark.parametrize(("rows", "columns", "spacing", "message"), [
    (27, 4, 2.0, "rows=27"), (4, 100, 2.0, "columns=100"), (4, 4, 0.0, "spacing_mm=0.0"),
])
def test_bad_regular_arrays_are_refused(rows, columns, spacing, message):
    with pytest.raises(SignalrnnError, match=message):
        ElectrodeLayout.regular(rows, columns, spacing)


def test_indices_of_accepts_names_or_simulator_indices(array_8x24):
    assert array_8x24.indices_of(["B01", "A01", "B01"]).tolist() == [24, 0, 24]
    assert array_8x24.indices_of(np.array([5, 191])).tolist() == [5, 191]
    with pytest.raises(SignalrnnError, match="channel 'Z99' is not in the layout"):
        array_8x24.indices_of(["A01", "Z99"])
    with pytest.raises(SignalrnnError, match="channel index 192 is outside"):
        array_8x24.indices_of(np.array([192]))


def test_a_config_without_a_mapping_layout_maps_the_simulators_array(tiny_config):
    layout = layout_from_config(tiny_config["mapping"], tiny_config["simulate"])
    assert list(layout.channels) == channel_names(tiny_config["simulate"]["array_shape"])
    assert layout.spacing_mm == tiny_config["simulate"]["electrode_spacing_mm"]


def test_a_configs_regular_array_and_spacing_override_the_simulators(tiny_config):
    mapping = {**tiny_config["mapping"], "array_shape": [3, 5], "spacing_mm": 4.0}
    layout = layout_from_config(mapping, tiny_config["simulate"])
    assert layout.shape == (3, 5) and layout.spacing_mm == 4.0
    assert layout.channels[-1] == "C05"


def test_a_configs_layout_csv_wins_over_any_regular_array(tiny_config, tmp_path):
    csv = tmp_path / "catheter.csv"
    csv.write_text("channel,x_mm,y_mm\nCS1-2,0,0\nCS3-4,7,0\nCS5-6,14,0\n")
    layout = layout_from_config({**tiny_config["mapping"], "layout_csv": str(csv)}, tiny_config["simulate"])
    assert layout.channels == ("CS1-2", "CS3-4", "CS5-6") and not layout.is_regular


def test_a_layout_written_to_json_reads_back_with_its_adjacency(array_8x24, catheter):
    regular, settings = layout_from_json(json.loads(json.dumps(layout_to_json(array_8x24))), "model.json")
    assert regular.channels == array_8x24.channels
    np.testing.assert_array_equal(regular.positions_mm, array_8x24.positions_mm)
    np.testing.assert_array_equal(regular.adjacent_pairs(), array_8x24.adjacent_pairs())  # still a grid
    assert settings == {"adjacent_mm": None, "velocity_radius_mm": None}
    loose, settings = layout_from_json(layout_to_json(catheter, 5.0, 7.5), "model.json")
    assert not loose.is_regular and loose.channels == catheter.channels
    np.testing.assert_array_equal(loose.adjacent_pairs(5.0), catheter.adjacent_pairs(5.0))
    assert settings == {"adjacent_mm": 5.0, "velocity_radius_mm": 7.5}


def test_a_layout_in_json_without_positions_is_refused_naming_the_key():
    entry = layout_to_json(ElectrodeLayout.regular(1, 3, 2.0))
    del entry["x_mm"]
    with pytest.raises(SignalrnnError, match="has no 'x_mm'; retrain the model"):
        layout_from_json(entry, "model.json")


@pytest.mark.parametrize(("change", "message"), [
    ({"y_mm": [0.0]}, "gives 3 channels but 3 x_mm and 1 y_mm"),
    ({"array_shape": [2, 2]}, "array_shape [2, 2] does not hold its 3 channels"),
])
def test_a_layout_in_json_that_does_not_add_up_is_refused(change, message):
    with pytest.raises(SignalrnnError, match=re.escape(message)):
        layout_from_json(layout_to_json(ElectrodeLayout.regular(1, 3, 2.0)) | change, "model.json")
