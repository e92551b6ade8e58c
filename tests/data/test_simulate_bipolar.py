"""Bipolar montages of the simulator: array neighbours and catheter bipoles, and their truth."""

import numpy as np
import pandas as pd
import pytest
import wfdb

from signalrnn.config.load import validate_config
from signalrnn.data.simulate import (
    FAR_FIELD,
    MAX_DEFLECTIONS,
    TRUTH_FILE,
    bipolar_deflections,
    catheter_channel_names,
    catheter_poles_mm,
    channel_names,
    montage_channel_names,
    simulate_dataset,
    simulate_record,
)
from tests.helpers import quiet


def with_montage(config: dict, **changes) -> dict:
    """``config``'s simulate section, validated again with ``changes`` (defaults filled in)."""
    return validate_config({**config, "simulate": {**config["simulate"], **changes}})["simulate"]


def test_an_array_bipole_is_the_difference_of_its_poles_when_noise_is_off(tiny_config):
    unipolar = quiet(with_montage(tiny_config, array_shape=[3, 3]))
    bipolar = {**unipolar, "montage": "bipolar_array", "bipole_pairs": "both"}
    poles, _ = simulate_record(unipolar, "p02_r1")
    bipoles, truth = simulate_record(bipolar, "p02_r1")
    names = channel_names([3, 3])
    assert montage_channel_names(bipolar)[:2] == ["A01-A02", "A02-A03"]
    assert montage_channel_names(bipolar)[6:8] == ["A01-B01", "A02-B02"]  # rows first, then columns
    assert len(montage_channel_names(bipolar)) == 3 * 2 + 2 * 3 == bipoles.shape[1]
    for k, name in enumerate(montage_channel_names(bipolar)):
        first, second = (names.index(pole) for pole in name.split("-"))
        np.testing.assert_allclose(bipoles[:, k], poles[:, first] - poles[:, second], atol=1e-5)
    assert set(truth["bipole"]) == set(montage_channel_names(bipolar))
    assert (truth["bipole"] == np.array(montage_channel_names(bipolar))[truth["channel"]]).all()


def test_a_bipole_rejects_most_of_the_common_ventricular_far_field(tiny_config):
    far_field_only = quiet(with_montage(tiny_config, array_shape=[4, 4]), far_field_mv=[1, 1])
    unipolar, _ = simulate_record(far_field_only, "p01_r1")
    clean_unipolar, _ = simulate_record({**far_field_only, "far_field_mv": [0, 0]}, "p01_r1")
    bipolar_sim = {**far_field_only, "montage": "bipolar_array"}
    bipolar, _ = simulate_record(bipolar_sim, "p01_r1")
    clean_bipolar, _ = simulate_record({**bipolar_sim, "far_field_mv": [0, 0]}, "p01_r1")
    unipolar_rms = np.sqrt(np.mean((unipolar - clean_unipolar) ** 2, axis=0))
    bipolar_rms = np.sqrt(np.mean((bipolar - clean_bipolar) ** 2, axis=0))
    assert bipolar_rms.max() > 0  # still there (the poles' gains differ) ...
    assert np.median(bipolar_rms) < 0.6 * np.median(unipolar_rms)  # ... but smaller


def test_white_noise_of_a_bipole_is_set_at_the_bipoles_own_snr(tiny_config):
    sim = {**with_montage(tiny_config, montage="catheter"), "wander_mv": [0, 0], "mains_mv": [0, 0],
           "far_field_mv": [0, 0], "snr_spread_db": 0}
    noisy, _ = simulate_record(sim, "p01_r1")
    louder, _ = simulate_record({**sim, "snr_db": sim["snr_db"] - 10}, "p01_r1")
    clean, _ = simulate_record({**sim, "snr_db": 200}, "p01_r1")
    ratio = np.var(louder - clean, axis=0) / np.var(noisy - clean, axis=0)
    assert np.allclose(ratio, 10, rtol=0.05)


def potentials_of(*rows) -> dict:
    """A hand-made potentials dict: one (pole, cycle, activation ms, offsets ms) per row."""
    offsets = np.full((len(rows), MAX_DEFLECTIONS + 1), np.nan)
    for i, (_, _, _, local) in enumerate(rows):
        offsets[i, :len(local)] = local
    return {"channel": np.array([r[0] for r in rows]), "cycle": np.array([r[1] for r in rows]),
            "time_ms": np.array([r[2] for r in rows], float), "offsets_ms": offsets,
            "amplitude_mv": np.ones(offsets.shape)}


def test_a_bipoles_potential_is_the_union_of_both_poles_local_deflections():
    pot = potentials_of(
        (0, 0, 100.0, [0]), (1, 0, 103.0, [0]),                   # two singles: one front passing
        (0, 1, 300.0, [0, 20]), (1, 1, 304.0, [0]),               # a double under one pole
        (0, 2, 500.0, [0, 10]), (1, 2, 502.0, [0, 22]),           # far sides under both poles add up
        (0, 3, 700.0, [0]), (1, 3, 692.0, [0]),                   # slow front: 8 ms from pole to pole
        (1, 4, 900.0, [0, 5, 12]),                                # one pole's activation in the record
        (0, 5, 1100.0, [0, 4.5, 9]), (1, 5, 1102.0, [0]),         # fractionated under one pole
    )
    columns = bipolar_deflections(pot, np.array([[0, 1]]))
    bipole = pd.DataFrame({key: value for key, value in columns.items() if key != "amplitudes_mv"})
    assert bipole["time_ms"].tolist() == [100, 300, 500, 692, 900, 1100]  # the earlier pole's
    assert bipole["n_deflections"].tolist() == [1, 2, 3, 1, 3, 3]
    assert bipole["interval_ms"].tolist() == [0, 20, 24, 0, 12, 9]
    assert bipole["pole_lag_ms"].iloc[:4].tolist() == [3, 4, 2, -8]
    assert np.isnan(bipole["pole_lag_ms"].iloc[4])


def test_far_field_atrial_deflections_do_not_count_in_a_bipole():
    pot = potentials_of((0, 0, 100.0, [0]), (1, 0, 102.0, [0]))
    pot["offsets_ms"][1, FAR_FIELD] = 15.0
    bipole = bipolar_deflections(pot, np.array([[0, 1]]))
    assert bipole["n_deflections"].tolist() == [1] and bipole["far_field_ms"].tolist() == [17.0]


def test_simulated_bipoles_start_at_their_earlier_pole_and_two_singles_make_a_single(tiny_config):
    unipolar = quiet(with_montage(tiny_config, array_shape=[3, 4]))
    bipolar = {**unipolar, "montage": "bipolar_array"}
    _, poles = simulate_record(unipolar, "p03_r1")
    _, bipoles = simulate_record(bipolar, "p03_r1")
    names = channel_names([3, 4])
    checked = 0
    for name, rows in bipoles.groupby("bipole"):
        first, second = (poles[poles["channel"] == names.index(pole)] for pole in name.split("-"))
        if not len(first) == len(second) == len(rows):
            continue  # a pole's activation outside the record at one end: cycles do not align
        activation = np.minimum(first["activation_ms"].to_numpy(), second["activation_ms"].to_numpy())
        np.testing.assert_allclose(rows["activation_ms"], activation, atol=1e-3)
        both_single = (first["class"].to_numpy() == "single") & (second["class"].to_numpy() == "single")
        assert (rows["class"].to_numpy()[both_single] == "single").all()
        checked += both_single.sum()
    assert checked > 50


def test_catheter_poles_lie_on_a_line_at_the_configured_spacing():
    catheter = {"bipoles": 5, "pole_spacing_mm": 2.0, "bipole_gap_mm": 5.0, "name": "CS", "angle_deg": 30}
    poles = catheter_poles_mm(catheter, np.array([1.0, -2.0]), np.deg2rad(30))
    steps = np.diff(poles, axis=0)
    np.testing.assert_allclose(np.linalg.norm(steps, axis=1), [2, 5, 2, 5, 2, 5, 2, 5, 2])
    np.testing.assert_allclose(steps / np.linalg.norm(steps, axis=1)[:, None],
                               np.tile([np.cos(np.pi / 6), np.sin(np.pi / 6)], (9, 1)))
    np.testing.assert_allclose(poles.mean(axis=0), [1.0, -2.0])  # symmetric about its centre


def test_catheter_bipoles_are_named_by_their_poles_as_in_iafdb():
    assert catheter_channel_names({"bipoles": 5, "name": "CS"}) == ["CS12", "CS34", "CS56", "CS78", "CS90"]
    assert catheter_channel_names({"bipoles": 6, "name": "HALO"})[-2:] == ["HALO9-10", "HALO11-12"]


def test_a_catheter_record_is_iafdb_shaped_and_placed_anew_per_record(tiny_config, tmp_path):
    sim = with_montage(tiny_config, montage="catheter", fs_hz=1000)
    names = simulate_dataset(sim, tmp_path)
    record = wfdb.rdrecord(str(tmp_path / names[0]))
    assert record.sig_name == ["CS12", "CS34", "CS56", "CS78", "CS90"] and record.fs == 1000
    assert "catheter of 5 bipoles (2-5 mm)" in record.comments[1]
    placements = {wfdb.rdheader(str(tmp_path / name)).comments[1] for name in names}
    assert len(placements) == len(names)
    truth = pd.read_csv(tmp_path / TRUTH_FILE)
    assert (truth["bipole"] == np.array(record.sig_name)[truth["channel"]]).all()
    assert set(truth["class"]) >= {"single", "long_double"}
    again, again_truth = simulate_record(sim, names[0])
    assert np.abs(again - record.p_signal).max() < 1e-3  # the record re-simulates alone
    pd.testing.assert_frame_equal(again_truth, truth[truth["record"] == names[0]].drop(
        columns=["record", "patient"]).reset_index(drop=True), check_dtype=False)


def test_a_fixed_catheter_angle_is_kept(tiny_config):
    sim = quiet(with_montage(tiny_config, montage="catheter", catheter={"angle_deg": 90}))
    _, truth = simulate_record(sim, "p01_r1")
    assert len(truth) and set(truth["bipole"]) <= set(catheter_channel_names(sim["catheter"]))


@pytest.mark.parametrize("catheter", [{"bipoles": 0}, {"pole_spacing_mm": 0}, {"name": "C S"}])
def test_a_bad_catheter_is_refused_naming_the_key(tiny_config, catheter):
    from signalrnn.errors import SignalrnnError

    with pytest.raises(SignalrnnError, match="simulate.catheter"):
        with_montage(tiny_config, montage="catheter", catheter=catheter)


def test_more_channels_than_a_wfdb_annotation_can_name_are_refused(tiny_config, tmp_path):
    from signalrnn.errors import SignalrnnError

    sim = with_montage(tiny_config, array_shape=[8, 24], montage="bipolar_array", bipole_pairs="both")
    with pytest.raises(SignalrnnError, match="352 channels.*bipole_pairs rows or columns"):
        simulate_dataset(sim, tmp_path)


def test_an_array_without_neighbours_along_the_bipole_direction_is_refused(tiny_config):
    from signalrnn.errors import SignalrnnError

    sim = with_montage(tiny_config, array_shape=[4, 1], montage="bipolar_array", bipole_pairs="rows")
    with pytest.raises(SignalrnnError, match="simulate.bipole_pairs: an array of 4x1 has no neighbours"):
        simulate_record(sim, "p01_r1")
