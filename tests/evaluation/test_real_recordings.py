"""Specification of the sim-to-real check on predicted real records
(signalrnn.evaluation.real_recordings), on small WFDB records whose answers are known."""

import json

import numpy as np
import pandas as pd
import pytest
import wfdb

from signalrnn.config.load import validate_config
from signalrnn.errors import SignalrnnError
from signalrnn.evaluation.real_recordings import check_real_recordings, headline, write_real_recordings
from signalrnn.io.layout import Layout

CLASSES = ["single", "short_double", "long_double", "fractionated"]
FS_HZ = 1000
SECONDS = 12
FLUTTER_HZ, AF_HZ = 4.0, 6.0


def spike_train(rate_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """A bipolar-like channel: one biphasic 1-unit deflection every 1/rate_hz s, and their samples."""
    t = np.arange(SECONDS * FS_HZ) / FS_HZ
    samples = np.arange(0.1, SECONDS - 0.05, 1 / rate_hz)
    signal = np.zeros_like(t)
    for onset in samples:
        signal -= (t - onset) / 0.003 * np.exp(-0.5 * ((t - onset) / 0.003) ** 2)
    noise = np.random.default_rng(0).normal(0, 0.01, t.size)
    return signal + noise, np.round(samples * FS_HZ).astype(int)


def write_record(folder, name: str, rhythm_hz: float, diagnosis: str | None) -> np.ndarray:
    """A record of lead II and two bipoles (CS12, CS34) at ``rhythm_hz``; returns the event samples."""
    egm, samples = spike_train(rhythm_hz)
    signal = np.column_stack([np.zeros_like(egm), egm, egm])
    comments = [f"<age>: 70 <sex>: F <diagnosis>: {diagnosis}"] if diagnosis else ["no diagnosis here"]
    wfdb.wrsamp(name, fs=FS_HZ, units=["mV"] * 3, sig_name=["II", "CS12", "CS34"], p_signal=signal,
                fmt=["16"] * 3, comments=comments, write_dir=str(folder))
    return samples


def write_predictions(layout: Layout, record: str, samples: np.ndarray, fractionated_every: int) -> None:
    """predict's CSV for both bipoles: every ``fractionated_every``-th potential fractionated."""
    classes = ["fractionated" if i % fractionated_every == 0 else "single" for i in range(len(samples))]
    table = pd.concat([pd.DataFrame({"sample": samples, "channel": channel, "class": classes})
                       for channel in ("CS12", "CS34")])
    layout.predicted(record).parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(layout.predicted(record), index=False)


@pytest.fixture
def study(tmp_path):
    """A flutter patient (p1, 4 Hz, 1 in 10 potentials fractionated) and an AF patient (p2, 6 Hz,
    1 in 2 fractionated), predicted; returns the config and the layout."""
    records = tmp_path / "records"
    records.mkdir()
    config = validate_config({
        "name": "real", "data_dir": "data",
        "annotation": {"classes": {c: [c] for c in CLASSES}},
        "predict": {"records_dir": str(records)},
        "real_recordings": {"enabled": True, "patient_regex": r"^(p\d+)_"},
    })
    layout = Layout.of("real", tmp_path / "results")
    write_predictions(layout, "p1_svc", write_record(records, "p1_svc", FLUTTER_HZ, "Atrial Flutter"), 10)
    write_predictions(layout, "p2_svc", write_record(records, "p2_svc", AF_HZ, "Atrial Fibrillation"), 2)
    return config, layout


def test_each_bipole_gets_its_detection_rate_and_dominant_frequency(study):
    channels = check_real_recordings(*study, CLASSES).channels.set_index(["record", "channel"])
    assert sorted(channels.index) == [(r, c) for r in ("p1_svc", "p2_svc") for c in ("CS12", "CS34")]
    assert channels.loc[("p1_svc", "CS12"), "detections_per_s"] == pytest.approx(48 / SECONDS)
    assert channels.loc[("p1_svc", "CS12"), "dominant_frequency_hz"] == pytest.approx(FLUTTER_HZ, rel=0.1)
    assert channels.loc[("p2_svc", "CS34"), "dominant_frequency_hz"] == pytest.approx(AF_HZ, rel=0.1)
    assert channels.loc[("p1_svc", "CS12"), "share_fractionated"] == pytest.approx(5 / 48)


def test_segments_carry_the_fractionated_share_beside_every_clinical_index(study):
    segments = check_real_recordings(*study, CLASSES).segments
    assert len(segments) == 2 * 2 * 2  # two whole 5-s segments of 12 s, two bipoles, two records
    assert {"cfe_mean_ms", "icl", "organisation_index", "entropy_bits"} <= set(segments.columns)
    af = segments[segments["record"] == "p2_svc"]
    assert af["share_fractionated"].between(0.4, 0.6).all()
    # NavX CFE-mean of a regular 6 Hz train is its cycle length, 167 ms
    assert af["cfe_mean_ms"].to_numpy() == pytest.approx(1000 / AF_HZ, rel=0.1)


def test_patients_are_grouped_by_the_rhythm_in_their_headers(study):
    check = check_real_recordings(*study, CLASSES)
    patients = check.patients.set_index("patient")
    assert patients.loc["p1", "group"] == "flutter" and patients.loc["p2", "group"] == "AF"
    assert patients.loc["p1", "share_fractionated"] == pytest.approx(0.1, abs=0.01)
    assert patients["rate_within_tolerance"].tolist() == [1.0, 1.0]
    contrast = check.summary["contrast"]
    expected = patients.loc["p2", "share_fractionated"] / patients.loc["p1", "share_fractionated"]
    assert contrast["ratio"] == pytest.approx(expected)
    assert contrast["low"] == contrast["high"] == pytest.approx(expected)  # one patient per group
    assert check.summary["rate_within_tolerance"] == 1.0
    assert "100.0% of 4 channel-recordings within ±25% of DF" in headline(check.summary)


def test_the_check_writes_its_tables_summary_and_figure(study):
    config, layout = study
    write_real_recordings(config, layout, CLASSES)
    for name in ("channels", "segments", "patients"):
        assert not pd.read_csv(layout.real_table(name)).empty
    assert json.loads(layout.real_summary.read_text())["groups"]["AF"]["patients"] == ["p2"]
    assert layout.real_figure.stat().st_size > 10_000


def test_a_record_without_a_rhythm_in_its_header_is_named(study, tmp_path):
    config, layout = study
    write_predictions(layout, "p3_svc", write_record(tmp_path / "records", "p3_svc", 5.0, None), 3)
    with pytest.raises(SignalrnnError, match=r"p3_svc\.hea: no header comment matches real_recordings\."):
        check_real_recordings(config, layout, CLASSES)


def test_a_record_that_was_not_predicted_is_named(study, tmp_path):
    config, layout = study
    write_record(tmp_path / "records", "p3_svc", 5.0, "Atrial Flutter")
    with pytest.raises(SignalrnnError, match=r"p3_svc\.csv: no predictions of real record p3_svc"):
        check_real_recordings(config, layout, CLASSES)


def test_the_check_needs_a_folder_of_real_records():
    with pytest.raises(SignalrnnError, match=r"real_recordings\.enabled: .* predict\.records_dir"):
        validate_config({"name": "x", "data_dir": "d", "annotation": {"classes": {"a": ["A"], "b": ["B"]}},
                         "real_recordings": {"enabled": True}})
