"""The synthetic dataset: WFDB files, one annotation per potential, statistics as defined."""

import numpy as np
import pandas as pd
import pytest
import wfdb
from scipy import signal

from signalrnn.data.potentials import CLASSES, potential_class
from signalrnn.data.simulate import (
    TRUTH_FILE,
    activation_times_ms,
    channel_names,
    deflection,
    electrode_positions_mm,
    patient_profile,
    simulate_dataset,
    simulate_record,
)
from tests.helpers import quiet


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """The tiny config's dataset, simulated once: (config, record names, truth table)."""
    from signalrnn.config.load import load_config
    from tests.helpers import ROOT

    config = load_config(ROOT / "configs" / "tiny.yaml")
    config["data_dir"] = str(tmp_path_factory.mktemp("data"))
    names = simulate_dataset(config["simulate"], config["data_dir"])
    return config, names, pd.read_csv(f"{config['data_dir']}/{TRUTH_FILE}")


def test_writes_readable_wfdb_records_and_annotations(dataset):
    config, names, _ = dataset
    sim = config["simulate"]
    assert names[0] == "p01_r1" and len(names) == sim["n_patients"] * sim["records_per_patient"]
    record = wfdb.rdrecord(f"{config['data_dir']}/{names[0]}")
    assert record.fs == sim["fs_hz"]
    assert record.sig_name == channel_names(sim["array_shape"])
    assert record.sig_len == sim["duration_s"] * sim["fs_hz"]
    assert set(record.units) == {"mV"}
    ann = wfdb.rdann(f"{config['data_dir']}/{names[0]}", "atr")
    assert set(ann.aux_note) <= set(CLASSES)
    assert ann.chan.max() == record.n_sig - 1


def test_channels_are_named_by_row_letter_and_column():
    assert channel_names([8, 24])[:2] == ["A01", "A02"]
    assert channel_names([8, 24])[-1] == "H24"


def test_classes_follow_the_definitions():
    assert potential_class([1, 2, 2, 2, 3, 6], [0, 6, 14.99, 15, 20, 50], 15).tolist() == [
        "single", "short_double", "short_double", "long_double", "fractionated", "fractionated"]


def test_truth_matches_the_class_definitions(dataset):
    config, _, truth = dataset
    by_class = truth.groupby("class")
    assert set(truth["class"]) == set(CLASSES)
    assert (by_class.get_group("single")["n_deflections"] == 1).all()
    assert (by_class.get_group("short_double")["n_deflections"] == 2).all()
    assert (by_class.get_group("long_double")["n_deflections"] == 2).all()
    assert (by_class.get_group("fractionated")["n_deflections"] >= 3).all()
    cut = config["simulate"]["double_cut_ms"]
    assert (by_class.get_group("single")["interval_ms"] == 0).all()
    assert by_class.get_group("short_double")["interval_ms"].between(6, cut, inclusive="left").all()
    assert (by_class.get_group("long_double")["interval_ms"] >= cut).all()
    amplitudes = truth["amplitudes_mv"].str.split().map(lambda a: np.array(a, float))
    assert (amplitudes.map(len) == truth["n_deflections"]).all()
    assert np.concatenate(amplitudes.to_list()).min() > 0


def test_annotations_are_the_truth(dataset):
    config, names, truth = dataset
    for name in names:
        ann = wfdb.rdann(f"{config['data_dir']}/{name}", "atr")
        rows = truth[truth["record"] == name]
        assert ann.sample.tolist() == rows["sample"].tolist()
        assert ann.aux_note == rows["class"].tolist()


def test_annotations_lie_within_2_ms_of_the_steepest_downslope(tiny_config):
    sim = quiet(tiny_config["simulate"])
    record, truth = simulate_record(sim, "p02_r1")
    assert np.abs(truth["sample"] - truth["activation_ms"] * sim["fs_hz"] / 1000).max() <= 0.5
    singles = truth[(truth["class"] == "single") & truth["far_field_ms"].isna()
                    & truth["sample"].between(20, len(record) - 20)]
    slope = np.gradient(record, axis=0)
    for sample, channel in zip(singles["sample"], singles["channel"], strict=True):
        steepest = sample - 10 + np.argmin(slope[sample - 10:sample + 10, channel])
        assert abs(steepest - sample) <= 2


def test_local_cycle_lengths_stay_in_range_with_patient_specific_means(dataset):
    config, _, truth = dataset
    low, high = config["simulate"]["cycle_length_ms"]
    cycles = truth["cycle_length_ms"].dropna()
    assert cycles.between(low - 1e-6, high + 1e-6).all()
    means = truth.groupby("patient")["cycle_length_ms"].mean()
    assert means.max() - means.min() > 10


def test_class_prevalence_differs_between_patients(dataset):
    _, _, truth = dataset
    shares = pd.crosstab(truth["patient"], truth["class"], normalize="index")
    assert (shares.max() - shares.min()).max() > 0.1


@pytest.mark.parametrize("mains_hz", [50, 60])
def test_mains_interference_is_a_spectral_peak_only_when_enabled(tiny_config, mains_hz):
    sim = quiet(tiny_config["simulate"], mains_hz=mains_hz)
    clean, _ = simulate_record(sim, "p01_r1")
    hum, _ = simulate_record({**sim, "mains_mv": [0.1, 0.1]}, "p01_r1")
    peaks = []
    for record in (hum, clean):
        freqs, power = signal.welch(record[:, 0], fs=sim["fs_hz"], nperseg=1000)
        nearby = np.median(power[(np.abs(freqs - mains_hz) > 2) & (np.abs(freqs - mains_hz) < 15)])
        peaks.append(power[freqs == mains_hz][0] / nearby)
    assert peaks[0] > 5 and peaks[1] < 2


def test_same_seed_same_bytes(tiny_config, tmp_path):
    simulate_dataset(tiny_config["simulate"], tmp_path / "a")
    simulate_dataset(tiny_config["simulate"], tmp_path / "b")
    assert (tmp_path / "a/p01_r1.dat").read_bytes() == (tmp_path / "b/p01_r1.dat").read_bytes()
    tiny_config["simulate"]["seed"] += 1
    simulate_dataset(tiny_config["simulate"], tmp_path / "c")
    assert (tmp_path / "a/p01_r1.dat").read_bytes() != (tmp_path / "c/p01_r1.dat").read_bytes()


def test_another_snr_changes_the_noise_only(dataset):
    config, _, truth = dataset
    sim = config["simulate"]
    record = wfdb.rdrecord(f"{config['data_dir']}/p03_r1").p_signal
    again, again_truth = simulate_record(sim, "p03_r1")
    assert np.abs(again - record).max() < 1e-3  # the dataset's record, up to 16-bit quantisation
    noisier, noisier_truth = simulate_record({**sim, "snr_db": sim["snr_db"] - 20}, "p03_r1")
    pd.testing.assert_frame_equal(again_truth, noisier_truth)
    clean, _ = simulate_record({**sim, "snr_db": 200}, "p03_r1")
    ratio = np.var(noisier - clean, axis=0) / np.var(again - clean, axis=0)
    assert np.allclose(ratio, 100, rtol=0.05)  # 20 dB more noise power


def test_real_background_is_mixed_in_at_its_snr(tiny_config, tmp_path):
    t_s = np.arange(20 * 500) / 500
    wfdb.wrsamp("bg", fs=500, units=["mV"], sig_name=["CS12"], write_dir=str(tmp_path),
                p_signal=np.sin(2 * np.pi * 7 * t_s)[:, None], fmt=["16"])
    sim = quiet(tiny_config["simulate"], background_dir=str(tmp_path), background_snr_db=6)
    mixed, _ = simulate_record(sim, "p01_r1")
    clean, _ = simulate_record({**sim, "background_dir": None}, "p01_r1")
    background = mixed - clean
    assert np.allclose(np.mean(clean**2, axis=0) / np.var(background, axis=0), 10**0.6, rtol=0.02)
    freqs, power = signal.welch(background[:, 0], fs=sim["fs_hz"], nperseg=2000)
    assert freqs[np.argmax(power)] == pytest.approx(7, abs=0.5)  # resampled from 500 Hz


def test_real_intracardiac_background_mixes_in(tiny_config, real_data):
    sim = quiet(tiny_config["simulate"], background_dir=str(real_data / "iafdb"),
                background_snr_db=10)
    mixed, _ = simulate_record(sim, "p01_r1")
    clean, _ = simulate_record({**sim, "background_dir": None}, "p01_r1")
    ratio = np.mean(clean**2, axis=0) / np.var(mixed - clean, axis=0)
    assert np.allclose(ratio, 10, rtol=0.02)


def test_a_deflection_is_steepest_downwards_at_its_activation_time():
    t_ms = np.linspace(-10, 10, 2001)
    y = deflection(t_ms, sigma_ms=2.0, amplitude_mv=3.0, r_ratio=0.5)
    assert t_ms[np.argmin(np.gradient(y))] == pytest.approx(0.0, abs=0.02)
    assert y.max() == pytest.approx(1.5, rel=1e-3) and y.min() == pytest.approx(-3.0, rel=1e-3)


@pytest.mark.parametrize("blocked", [True, False])
def test_a_blocked_wave_activates_the_far_side_of_the_line_late(tiny_config, blocked):
    """The line y = 0 through the middle of a 4 x 4 array at 2 mm, a wave heading straight across it (+y) at
    0.5 mm/ms: a blocked wave reaches the rows beyond the line block_delay_ms late, a wave
    that is not blocked crosses it at its own speed (4 ms per 2 mm row)."""
    sim = {**tiny_config["simulate"], "array_shape": [4, 4], "electrode_spacing_mm": 2.0}
    profile = {**patient_profile(sim, 1), "block_point_mm": np.array([0.0, 0.0]), "block_angle_rad": 0.0,
               "direction_rad": np.pi / 2, "direction_step_rad": 0.0, "velocity_mm_per_ms": 0.5,
               "block_probability": 1.0 if blocked else 0.0, "block_delay_ms": 20.0}
    positions = electrode_positions_mm(sim["array_shape"], 2.0)
    times, blocked_cycles = activation_times_ms(profile, sim, positions, 2000.0, np.random.default_rng(0))
    assert blocked_cycles.all() if blocked else not blocked_cycles.any()
    rows = [times[3, np.isclose(positions[:, 1], y)] for y in (-3.0, -1.0, 1.0, 3.0)]
    assert all(np.allclose(row, row[0]) for row in rows)  # a plane wave along the rows
    steps = np.diff([row[0] for row in rows])
    assert steps == pytest.approx([4.0, 24.0 if blocked else 4.0, 4.0])  # >= 12 ms: block


def test_the_unipolar_montage_writes_the_same_bytes_as_before(tiny_config, tmp_path):
    """sha256 of the tiny config's p01_r1.dat as written since the far side of a line of block
    activates late (issue 21), guarding the default experiment's data against unintended changes.
    (A numpy release that changes a random distribution would change it too: then say so and
    update it.)"""
    import hashlib

    assert tiny_config["simulate"]["montage"] == "unipolar"  # the default
    simulate_dataset(tiny_config["simulate"], tmp_path)
    assert hashlib.sha256((tmp_path / "p01_r1.dat").read_bytes()).hexdigest() == (
        "239004558d16e3e73abd210b79da1b12e36c74daeac5e8d238f12d1c3854c42f")
    header = wfdb.rdheader(str(tmp_path / "p01_r1"))
    assert header.comments[1] == ("synthetic unipolar epicardial electrograms (signalrnn), array 2x2 at "
                                  "2 mm, row by row")
    assert "bipole" not in pd.read_csv(tmp_path / TRUTH_FILE).columns
