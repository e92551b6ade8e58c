"""model.json carries the electrode layout the model was trained on, when the config has one."""

from __future__ import annotations

import numpy as np
import pytest

from signalrnn.config.load import validate_config
from signalrnn.data.simulate import channel_names, electrode_positions_mm, simulate_dataset
from signalrnn.errors import SignalrnnError
from signalrnn.mapping.geometry import layout_from_json
from signalrnn.model.metadata import model_metadata, read_model_metadata

ARRAY = [2, 3]


def simulated_config(tmp_path, **sections) -> dict:
    """A validated config of a 2 x 3 unipolar array simulated for 2 s into ``tmp_path/data``,
    with the sections ``sections`` replaced."""
    classes = ("single", "short_double", "long_double", "fractionated")
    config = validate_config({
        "name": "meta", "data_dir": str(tmp_path / "data"), "patient_regex": "^(p\\d+)_",
        "simulate": {"enabled": True, "n_patients": 3, "duration_s": 2, "array_shape": ARRAY},
        "annotation": {"source": "aux_note", "classes": {c: [c] for c in classes}}, **sections})
    simulate_dataset(config["simulate"], tmp_path / "data")
    return config


def metadata(config: dict) -> dict:
    return model_metadata(config, (200, 1), 0, "p01_r1", 1000.0)


def test_a_simulated_unipolar_experiment_carries_the_simulators_array(tmp_path):
    meta = metadata(simulated_config(tmp_path))
    layout, settings = layout_from_json(meta["electrode_layout"], "model.json")
    assert layout.channels == tuple(channel_names(ARRAY))
    np.testing.assert_allclose(layout.positions_mm, electrode_positions_mm(ARRAY, 2))
    assert layout.shape == (2, 3) and layout.spacing_mm == 2
    assert settings == {"adjacent_mm": None, "velocity_radius_mm": None}


def test_the_mapping_sections_layout_and_adjacency_travel_with_the_model(tmp_path):
    rows = [f"{name},{3 * i},0" for i, name in enumerate(channel_names(ARRAY))]
    (tmp_path / "layout.csv").write_text("channel,x_mm,y_mm\n" + "\n".join(rows) + "\n")
    config = simulated_config(tmp_path, mapping={"layout_csv": str(tmp_path / "layout.csv"),
                                                 "adjacent_mm": 3, "velocity_radius_mm": 6})
    layout, settings = layout_from_json(metadata(config)["electrode_layout"], "model.json")
    np.testing.assert_allclose(layout.positions_mm[:, 0], [0, 3, 6, 9, 12, 15])
    assert not layout.is_regular
    assert settings == {"adjacent_mm": 3, "velocity_radius_mm": 6}


def test_a_mapping_layout_that_names_a_channel_the_training_record_lacks_stops_training(tmp_path):
    rows = [f"{name},{2 * i},0" for i, name in enumerate(channel_names(ARRAY))] + ["Z99,40,0"]
    (tmp_path / "layout.csv").write_text("channel,x_mm,y_mm\n" + "\n".join(rows) + "\n")
    config = simulated_config(tmp_path, mapping={"layout_csv": str(tmp_path / "layout.csv"),
                                                 "adjacent_mm": 2})
    with pytest.raises(SignalrnnError, match=r"p01_r1\.hea \(training record.*lacks channel 'Z99'"):
        metadata(config)


def test_a_regular_mapping_array_smaller_than_the_record_names_the_extra_channel(tmp_path):
    config = simulated_config(tmp_path, mapping={"array_shape": [1, 3]})
    with pytest.raises(SignalrnnError, match="channel 'B01' is not in the layout"):
        metadata(config)


def test_bipolar_montages_and_recorded_data_carry_no_layout(tmp_path):
    bipolar = simulated_config(tmp_path / "bipolar", simulate={
        "enabled": True, "n_patients": 3, "duration_s": 2, "array_shape": ARRAY, "montage": "bipolar_array"})
    assert metadata(bipolar)["electrode_layout"] is None
    recorded = simulated_config(tmp_path / "recorded")
    recorded["simulate"]["enabled"] = False  # the same records, as if recorded
    assert metadata(recorded)["electrode_layout"] is None


def test_model_json_is_found_beside_the_model_or_named_itself(tmp_path):
    (tmp_path / "model.json").write_text('{"classes": ["single"]}')
    assert read_model_metadata(tmp_path / "model.keras") == {"classes": ["single"]}
    assert read_model_metadata(tmp_path / "model.json") == {"classes": ["single"]}
    with pytest.raises(SignalrnnError, match=r"other\.json: model metadata not found"):
        read_model_metadata(tmp_path / "other.json")
    (tmp_path / "model.json").write_text("{")
    with pytest.raises(SignalrnnError, match="not valid JSON"):
        read_model_metadata(tmp_path / "model.json")
