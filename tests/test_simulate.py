"""The synthetic dataset: real WFDB files, one annotation per potential, classes as defined."""

import numpy as np
import pandas as pd
import pytest
import wfdb

from signalrnn.simulate import CLASSES, TRUTH_FILE, deflection, simulate_dataset


@pytest.fixture
def dataset(tiny_config):
    names = simulate_dataset(tiny_config, tiny_config["data_dir"])
    return tiny_config, names


def test_writes_readable_wfdb_records_and_annotations(dataset):
    config, names = dataset
    sim = config["simulate"]
    assert names[0] == "p01_r1" and len(names) == sim["n_patients"] * sim["records_per_patient"]
    record = wfdb.rdrecord(f"{config['data_dir']}/{names[0]}")
    assert record.fs == sim["fs_hz"]
    assert record.n_sig == sim["n_electrodes"]
    assert record.sig_len == sim["duration_s"] * sim["fs_hz"]
    assert set(record.units) == {"mV"}
    ann = wfdb.rdann(f"{config['data_dir']}/{names[0]}", "atr")
    assert set(ann.aux_note) <= set(CLASSES)
    assert ann.chan.max() == sim["n_electrodes"] - 1


def test_truth_matches_the_class_definitions(dataset):
    config, _ = dataset
    truth = pd.read_csv(f"{config['data_dir']}/{TRUTH_FILE}")
    by_class = truth.groupby("class")
    assert (by_class.get_group("single")["n_deflections"] == 1).all()
    assert (by_class.get_group("short_double")["n_deflections"] == 2).all()
    assert (by_class.get_group("long_double")["n_deflections"] == 2).all()
    assert (by_class.get_group("fractionated")["n_deflections"] >= 3).all()
    cut = config["simulate"]["double_cut_ms"]
    assert (by_class.get_group("short_double")["interval_ms"] < cut).all()
    assert (by_class.get_group("long_double")["interval_ms"] >= cut).all()
    assert set(truth["class"]) == set(CLASSES)


def test_annotations_are_the_truth(dataset):
    config, names = dataset
    truth = pd.read_csv(f"{config['data_dir']}/{TRUTH_FILE}")
    for name in names:
        ann = wfdb.rdann(f"{config['data_dir']}/{name}", "atr")
        rows = truth[truth["record"] == name]
        assert ann.sample.tolist() == rows["sample"].tolist()
        assert ann.aux_note == rows["class"].tolist()


def test_same_seed_same_bytes(tiny_config, tmp_path):
    simulate_dataset(tiny_config, tmp_path / "a")
    simulate_dataset(tiny_config, tmp_path / "b")
    assert (tmp_path / "a/p01_r1.dat").read_bytes() == (tmp_path / "b/p01_r1.dat").read_bytes()
    tiny_config["simulate"]["seed"] += 1
    simulate_dataset(tiny_config, tmp_path / "c")
    assert (tmp_path / "a/p01_r1.dat").read_bytes() != (tmp_path / "c/p01_r1.dat").read_bytes()


def test_a_deflection_is_steepest_downwards_at_its_activation_time():
    t_ms = np.linspace(-10, 10, 2001)
    y = deflection(t_ms, sigma_ms=2.0, amplitude_mv=3.0)
    assert t_ms[np.argmin(np.gradient(y))] == pytest.approx(0.0, abs=0.02)
    assert y.max() == pytest.approx(3.0, rel=1e-3) and y.min() == pytest.approx(-3.0, rel=1e-3)
