"""signalrnn predict: a trained model annotates records it has never seen, preprocessed as in
training, in blocks, with one-line errors for records and models that do not fit."""

import json
import shutil
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
import wfdb
import yaml

from signalrnn.cli import main
from signalrnn.config.load import load_config, validate_config
from signalrnn.data.detect import activation_samples
from signalrnn.data.simulate import channel_names, simulate_dataset
from signalrnn.errors import SignalrnnError
from signalrnn.measures.spectral import dominant_frequency
from signalrnn.predict import model_channels, read_blocks, untrained_model
from signalrnn.preprocessing.filters import preprocess
from signalrnn.preprocessing.window import RR_COLUMNS
from tests.helpers import ROOT, snakemake, trimmed_copy, write_yaml


@pytest.fixture(scope="module")
def predicted_run(tiny_run, tmp_path_factory):
    """The tiny run, copied, with its predict rule pointed at four held-out simulated records
    (another seed) and their own annotations as events: Snakemake runs the predict rule alone."""
    project = tmp_path_factory.mktemp("predict") / "project"
    shutil.copytree(tiny_run, project, ignore=shutil.ignore_patterns(".snakemake"))
    tiny = yaml.safe_load((project / "configs/tiny.yaml").read_text())
    held_out = project / "data/held-out"
    simulate_dataset(validate_config({**tiny, "simulate": {**tiny["simulate"], "seed": 7}})["simulate"],
                     held_out)
    config = write_yaml(project / "configs/tiny_predict.yaml", {
        **tiny, "predict": {"records_dir": str(held_out), "events": "annotations"}})
    result = snakemake(project, "--configfile", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "rule train:" not in result.stdout + result.stderr
    return project, held_out


def truth_of(held_out: Path) -> pd.DataFrame:
    truth = pd.read_csv(held_out / "truth.csv")
    shape = yaml.safe_load((ROOT / "configs/tiny.yaml").read_text())["simulate"]["array_shape"]
    return truth.assign(channel=truth["channel"].map(dict(enumerate(channel_names(shape)))))


def test_the_predict_rule_labels_every_potential_of_the_held_out_records(predicted_run):
    project, held_out = predicted_run
    predicted = pd.concat([pd.read_csv(f).assign(record=f.stem)
                           for f in sorted((project / "results/tiny/predict").glob("*.csv"))])
    merged = predicted.merge(truth_of(held_out), on=["record", "sample", "channel"])
    assert len(merged) == len(predicted) > 0.95 * len(truth_of(held_out))
    agreement = (merged["class_x"] == merged["class_y"]).mean()
    chance = merged["class_y"].value_counts(normalize=True).max()
    print(f"round-trip agreement {agreement:.3f} (majority class {chance:.3f}, {len(merged)} events)")
    probabilities = predicted.filter(like="p_")
    assert list(probabilities.columns) == ["p_single", "p_short_double", "p_long_double", "p_fractionated"]
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-3)


def test_predict_on_a_test_record_reproduces_the_evaluation(predicted_run, tmp_path):
    project, _ = predicted_run
    evaluated = pd.read_csv(project / "results/tiny/predictions.csv")
    record = evaluated["record"].iat[0]
    assert main(["predict", "--model", str(project / "results/tiny/model/model.keras"), "--out",
                 str(tmp_path), "--events", "annotations", str(project / "data/tiny-egm" / record)]) == 0
    predicted = pd.read_csv(tmp_path / f"{record}.csv")
    merged = evaluated[evaluated["record"] == record].merge(predicted, on=["sample", "channel"])
    assert len(merged) == len(predicted) == (evaluated["record"] == record).sum()
    assert (merged["predicted"] == merged["class"]).all()
    assert np.allclose(merged["p_single_x"], merged["p_single_y"], atol=2e-3)


def test_the_annotation_file_carries_the_predicted_classes(predicted_run):
    project, held_out = predicted_run
    out = project / "results/tiny/predict"
    ann = wfdb.rdann(str(out / "p01_r1"), "pred")
    table = pd.read_csv(out / "p01_r1.csv")
    assert ann.sample.tolist() == table["sample"].tolist()
    assert ann.aux_note == table["class"].tolist() and set(ann.symbol) == {'"'}
    shape = yaml.safe_load((ROOT / "configs/tiny.yaml").read_text())["simulate"]["array_shape"]
    assert [channel_names(shape)[c] for c in ann.chan] == table["channel"].tolist()


def test_detected_activations_find_the_simulated_potentials(predicted_run, tmp_path):
    project, held_out = predicted_run
    model = project / "results/tiny/model/model.keras"
    assert main(["predict", "--model", str(model), "--out", str(tmp_path), str(held_out / "p02_r1")]) == 0
    found = pd.read_csv(tmp_path / "p02_r1.csv")
    truth = truth_of(held_out).query("record == 'p02_r1'")
    hits = []
    for channel, part in truth.groupby("channel"):
        detected = found.loc[found["channel"] == channel, "sample"].to_numpy()
        distance = np.abs(part["sample"].to_numpy()[:, None] - detected[None, :]).min(axis=1)
        hits.append(part.assign(hit=distance <= 10))  # 10 ms at 1 kHz
    hit_rate = pd.concat(hits).groupby("class")["hit"].mean()
    print(f"activations: {len(found)} found, {len(truth)} simulated; within 10 ms: {hit_rate.to_dict()}")
    # A single potential has one deflection to find; in a fractionated one the steepest fragment,
    # which the detector takes, need not be the first, which marks the activation.
    assert hit_rate["single"] >= 0.95 and 0.9 * len(truth) <= len(found) <= 1.1 * len(truth)


def test_a_registered_model_predicts_through_its_models_uri(predicted_run, tmp_path, monkeypatch):
    project, held_out = predicted_run
    monkeypatch.chdir(project)
    mlflow.set_tracking_uri("sqlite:///mlflow.db")
    logged = mlflow.search_logged_models(experiment_ids=[mlflow.get_experiment_by_name("tiny").experiment_id],
                                         output_format="list")[0]
    version = mlflow.register_model(f"models:/{logged.model_id}", "tiny-predict-test")
    mlflow.MlflowClient().set_registered_model_alias("tiny-predict-test", "test", version.version)
    assert main(["predict", "--model", "models:/tiny-predict-test@test", "--out", str(tmp_path),
                 "--events", "annotations", str(held_out / "p01_r1")]) == 0
    assert pd.read_csv(tmp_path / "p01_r1.csv").equals(
        pd.read_csv(project / "results/tiny/predict/p01_r1.csv"))


def test_the_maps_target_maps_every_predicted_record_on_the_models_electrode_layout(predicted_run):
    project, held_out = predicted_run
    result = snakemake(project, "maps", "--configfile", "configs/tiny_predict.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    layout = json.loads((project / "results/tiny/model/model.json").read_text())["electrode_layout"]
    for header in sorted(held_out.glob("*.hea")):
        maps = project / "results/tiny/maps" / header.stem
        assert "<img" in (maps / "report.html").read_text()
        electrodes = pd.read_csv(maps / "electrodes.csv")
        assert sorted(electrodes["channel"]) == sorted(layout["channels"])


def test_the_predict_rule_passes_the_channels_of_the_config(tiny_run):
    tiny = yaml.safe_load((tiny_run / "configs/tiny.yaml").read_text())
    predict = {"records_dir": "data/tiny-egm", "records": ["p01_r1"], "channels": ["A01", "A02"]}
    config = write_yaml(tiny_run / "configs/tiny_channels.yaml", {**tiny, "predict": predict})
    result = snakemake(tiny_run, "--configfile", str(config), "--dry-run", "--printshellcmds")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "signalrnn predict" in result.stdout and "--channels A01,A02" in result.stdout


def test_blocks_filter_like_the_whole_record(tmp_path):
    fs, n, block_s = 1000.0, 150_000, 60  # 2.5 blocks of 60 s
    rng = np.random.default_rng(0)
    signal = np.cumsum(rng.normal(size=(n, 2)), axis=0) * 0.01
    wfdb.wrsamp("long", fs=fs, units=["mV"] * 2, sig_name=["A", "B"], p_signal=signal,
                fmt=["32"] * 2, adc_gain=[1e5] * 2, baseline=[0, 0], write_dir=str(tmp_path))
    settings = {"resample_hz": 250.0, "bandpass_hz": [1.0, 100.0], "order": 4, "notch_hz": 50.0,
                "notch_q": 30, "baseline_ms": 200.0, "envelope_hz": None, "flat_ms": 100}
    header = wfdb.rdheader(str(tmp_path / "long"))
    whole = preprocess(wfdb.rdrecord(str(tmp_path / "long")).p_signal, fs, settings).signal
    blocks = list(read_blocks(tmp_path / "long", header, ["A", "B"], {"filter": settings, "fs_hz": 250.0},
                              block_values=2 * block_s * 1000))
    assert len(blocks) == 3
    for block in blocks:
        first, start, stop = block.first // 4, block.start // 4, block.stop // 4
        part = block.signal[start - first:stop - first]
        assert np.abs(part - whole[start:stop]).max() < 1e-3 * np.abs(whole).max()


def test_activations_are_a_refractory_period_apart():
    fs = 1000.0
    t = np.arange(2000)
    signal = np.zeros(2000)
    for onset in (300, 320, 900, 1500):  # 320 falls 20 ms after 300: inside 60 ms
        signal -= np.tanh((t - onset) / 2.0) * (2.0 if onset == 320 else 1.0)
    assert activation_samples(signal, fs, refractory_ms=60).tolist() == [320, 900, 1500]


def saved_untrained_model(folder: Path, config_path: Path, record: Path) -> Path:
    """model.keras and model.json in ``folder`` of ``untrained_model``: the plumbing of
    predict, not the accuracy."""
    trained = untrained_model(load_config(config_path), record)
    trained.model.save(folder / "model.keras")
    (folder / "model.json").write_text(json.dumps(trained.meta))
    return folder / "model.keras"


@pytest.fixture(scope="module")
def mitdb_model(real_data, tmp_path_factory):
    return saved_untrained_model(tmp_path_factory.mktemp("mitdb-model"), ROOT / "configs/mitdb.yaml",
                           real_data / "mitdb-ds1/101")


@pytest.fixture(scope="module")
def iafdb_model(real_data, tmp_path_factory):
    return saved_untrained_model(tmp_path_factory.mktemp("iafdb-model"), ROOT / "configs/iafdb.yaml",
                           real_data / "iafdb/iaf1_ivc")


def test_an_ecg_record_is_annotated_beat_by_beat_with_detected_qrs(real_data, mitdb_model, tmp_path):
    data = trimmed_copy(real_data / "mitdb-ds1", ["119"], tmp_path / "data", 300, "atr")
    assert main(["predict", "--model", str(mitdb_model), "--out", str(tmp_path / "out"),
                 str(data / "119")]) == 0
    ann = wfdb.rdann(str(tmp_path / "out/119"), "pred")
    beats = wfdb.rdann(str(data / "119"), "atr")
    n_beats = int(np.isin(beats.symbol, ["N", "V", "A"]).sum())
    print(f"mitdb 119, 5 min: {len(ann.sample)} beats predicted, {n_beats} annotated")
    assert abs(len(ann.sample) - n_beats) <= 0.03 * n_beats
    assert set(ann.symbol) <= {"N", "A", "V", "F", "/"}


def test_an_intracardiac_record_is_annotated_window_by_window(real_data, iafdb_model, tmp_path):
    record = real_data / "iafdb/iaf3_ivc"
    assert main(["predict", "--model", str(iafdb_model), "--out", str(tmp_path), str(record)]) == 0
    ann = wfdb.rdann(str(tmp_path / "iaf3_ivc"), "pred")
    assert len(ann.sample) == 65  # 66.5 s: a 2 s window every second
    assert set(ann.symbol) == {"+"} and set(ann.aux_note) <= {"(AF", "(flutter"}


def test_intracardiac_activations_come_at_a_plausible_rate(real_data, iafdb_model, tmp_path):
    data = trimmed_copy(real_data / "iafdb", ["iaf3_ivc"], tmp_path / "data", 20)
    assert main(["predict", "--model", str(iafdb_model), "--out", str(tmp_path / "out"),
                 "--events", "activations", str(data / "iaf3_ivc")]) == 0
    rate = len(wfdb.rdann(str(tmp_path / "out/iaf3_ivc"), "pred").sample) / 18
    print(f"iaf3_ivc: {rate:.1f} activations/s on CS12")
    assert 2 <= rate <= 10  # atrial cycle lengths of 100-500 ms


def predict_error(capsys, *args: str) -> str:
    """The one-line error of ``signalrnn predict args`` (which must fail)."""
    capsys.readouterr()
    assert main(["predict", *args]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(errors) == 1 and errors[0].startswith("signalrnn predict: error: "), errors
    return errors[0]


def test_a_record_without_the_models_channels_is_refused(real_data, iafdb_model, tmp_path, capsys):
    data = trimmed_copy(real_data / "mitdb-ds1", ["101"], tmp_path / "data", 10)
    message = predict_error(capsys, "--model", str(iafdb_model), "--out", str(tmp_path), str(data / "101"))
    assert "['CS12', 'CS34', 'CS56', 'CS78', 'CS90']" in message and "not in the record" in message


def test_a_model_trained_on_other_rr_features_is_refused(mitdb_model, tmp_path, capsys):
    shutil.copy(mitdb_model, tmp_path / "model.keras")
    meta = json.loads(mitdb_model.with_name("model.json").read_text())
    meta["features"] = RR_COLUMNS[:4]  # what models trained before the rhythm features took
    (tmp_path / "model.json").write_text(json.dumps(meta))
    message = predict_error(capsys, "--model", str(tmp_path / "model.keras"), "--out", str(tmp_path), "rec")
    assert "model.json: the model takes the RR features" in message and "retrain" in message


def test_a_corrupt_model_file_is_refused(tmp_path, capsys):
    (tmp_path / "model.keras").write_bytes(b"not a zip file")
    (tmp_path / "model.json").write_text("{}")
    message = predict_error(capsys, "--model", str(tmp_path / "model.keras"), "--out", str(tmp_path), "rec")
    assert "cannot load the model" in message


def write_egm_record(folder: Path, name: str, channels: list[str], fs_hz: float = 1000.0,
                     seconds: float = 4.0, units: str = "mV") -> Path:
    """A record of biphasic activations every 200 ms on each channel (offset by 7 ms from one
    channel to the next) in white noise, the same continuous signal at any ``fs_hz``."""
    t = np.arange(int(seconds * fs_hz)) / fs_hz
    noise = np.random.default_rng(0).normal(size=(int(seconds * 1000), len(channels))) * 0.01
    signal = np.stack([np.interp(t, np.arange(len(noise)) / 1000, column) for column in noise.T], axis=1)
    for i in range(len(channels)):
        for onset in np.arange(0.1 + 0.007 * i, seconds - 0.1, 0.2):
            signal[:, i] -= (t - onset) / 0.002 * np.exp(-0.5 * ((t - onset) / 0.002) ** 2)
    wfdb.wrsamp(name, fs=fs_hz, units=[units] * len(channels), sig_name=channels, p_signal=signal,
                fmt=["32"] * len(channels), adc_gain=[1e5] * len(channels), baseline=[0] * len(channels),
                write_dir=str(folder))
    return folder / name


def default_model_for(folder: Path, channels: list[str]) -> Path:
    """An untrained model of configs/default.yaml (one electrode per event, 1 kHz) whose
    training record had ``channels``."""
    folder.mkdir(parents=True, exist_ok=True)
    return saved_untrained_model(folder, ROOT / "configs/default.yaml",
                                 write_egm_record(folder, "trained_on", channels))


def catheter_model(folder: Path, positions: dict[str, float]) -> Path:
    """An untrained model of configs/default.yaml whose mapping section lays the channels
    ``positions`` (name -> x in mm, y 0) along a catheter; its training record has them all."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = "".join(f"{channel},{x},0\n" for channel, x in positions.items())
    (folder / "layout.csv").write_text("channel,x_mm,y_mm\n" + rows)
    config = yaml.safe_load((ROOT / "configs/default.yaml").read_text()) | {
        "mapping": {"layout_csv": str(folder / "layout.csv"), "adjacent_mm": 5}}
    return saved_untrained_model(folder, write_yaml(folder / "config.yaml", config),
                                 write_egm_record(folder, "trained_on", list(positions)))


def test_the_csv_places_each_potential_at_its_electrode_of_the_models_layout(tmp_path, capsys):
    model = catheter_model(tmp_path / "model", {"CS12": 0.0, "CS34": 7.5})
    record = write_egm_record(tmp_path, "rec", ["CS12", "CS34", "CS56"])
    assert main(["predict", "--model", str(model), "--out", str(tmp_path / "out"), "--channels", "CS34,CS56",
                 str(record)]) == 0
    assert "channel(s) ['CS56'] are not in the model's electrode layout" in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "out/rec.csv")
    placed = table.groupby("channel")[["x_mm", "y_mm"]].first()
    assert placed.loc["CS34"].tolist() == [7.5, 0.0]
    assert placed.loc["CS56"].isna().all()  # classified, but the layout has no place for it


def test_a_model_json_without_a_layout_still_predicts_without_positions(tmp_path):
    model = catheter_model(tmp_path / "model", {"CS12": 0.0, "CS34": 7.5})
    meta = json.loads(model.with_name("model.json").read_text())
    del meta["electrode_layout"]  # as written before layouts travelled with the model
    model.with_name("model.json").write_text(json.dumps(meta))
    record = write_egm_record(tmp_path, "rec", ["CS12", "CS34"])
    assert main(["predict", "--model", str(model), "--out", str(tmp_path / "out"), str(record)]) == 0
    table = pd.read_csv(tmp_path / "out/rec.csv")
    assert set(table["channel"]) == {"CS12", "CS34"}
    assert "x_mm" not in table.columns


def test_surface_ecg_leads_are_never_classified_as_electrograms_by_default(tmp_path):
    channels = ["II", "V1", "aVF", "CS12", "CS34"]
    model = default_model_for(tmp_path / "model", channels)
    record = write_egm_record(tmp_path, "rec", channels)
    assert main(["predict", "--model", str(model), "--out", str(tmp_path / "out"), str(record)]) == 0
    table = pd.read_csv(tmp_path / "out/rec.csv")
    assert set(table["channel"]) == {"CS12", "CS34"}
    assert table.groupby("channel").size().between(15, 25).all()  # 19 activations on each


def test_the_csv_gives_each_potentials_amplitude_in_the_units_of_the_record_header(tmp_path):
    model = default_model_for(tmp_path / "model", ["CS12", "CS34"])
    record = write_egm_record(tmp_path, "rec", ["CS12", "CS34"], units="NU")  # uncalibrated
    assert main(["predict", "--model", str(model), "--out", str(tmp_path / "out"), str(record)]) == 0
    table = pd.read_csv(tmp_path / "out/rec.csv")
    assert set(table["units"]) == {"NU"}
    # a biphasic deflection of peak-to-peak 2 x exp(-1/2) = 1.21 units, somewhat less after the band-pass
    assert table["peak_to_peak"].between(0.6, 1.3).all()


def test_channels_named_with_the_option_are_the_only_ones_classified(tmp_path):
    model = default_model_for(tmp_path / "model", ["A01", "A02"])
    record = write_egm_record(tmp_path, "rec", ["II", "CS12", "CS34"])
    assert main(["predict", "--model", str(model), "--out", str(tmp_path / "out"), "--channels", "CS34",
                 str(record)]) == 0
    assert set(pd.read_csv(tmp_path / "out/rec.csv")["channel"]) == {"CS34"}


def test_a_record_without_the_models_electrodes_is_refused_naming_the_option(tmp_path, capsys):
    model = default_model_for(tmp_path / "model", ["A01", "A02"])
    record = write_egm_record(tmp_path, "rec", ["II", "CS12", "CS34"])
    message = predict_error(capsys, "--model", str(model), "--out", str(tmp_path / "out"), str(record))
    assert "['A01', 'A02']" in message and "--channels CS12,CS34" in message


def test_a_channel_named_with_the_option_must_be_in_the_record(tmp_path, capsys):
    model = default_model_for(tmp_path / "model", ["A01"])
    record = write_egm_record(tmp_path, "rec", ["CS12"])
    message = predict_error(capsys, "--model", str(model), "--out", str(tmp_path / "out"),
                            "--channels", "CS12,CS99", str(record))
    assert "['CS99']" in message and "--channels" in message


def catheter_meta(choice) -> dict:
    return {"window": {"channels": choice}, "record_channels": ["II", "CS12", "CS34"],
            "events": {"source": "sliding", "detector": "activations"}}


def test_a_model_of_several_channels_reads_the_named_channels_in_their_place():
    meta = catheter_meta(["CS12", "CS34"])
    assert model_channels(meta, ["II", "CS12", "CS34"], "rec") == ["CS12", "CS34"]
    assert model_channels(meta, ["ABL1", "ABL2"], "rec", ["ABL2", "ABL1"]) == ["ABL2", "ABL1"]
    with pytest.raises(SignalrnnError, match="reads 2 channel"):
        model_channels(meta, ["ABL1", "ABL2"], "rec", ["ABL1"])
    with pytest.raises(SignalrnnError, match=r"\['CS12', 'CS34'\].*--channels"):
        model_channels(meta, ["ABL1", "ABL2"], "rec")


def test_a_model_trained_on_alternative_leads_reads_the_one_each_record_has():
    meta = catheter_meta(["MLII", ["V1", "V2", "V4", "V5"]])
    assert model_channels(meta, ["MLII", "V2"], "103") == ["MLII", "V2"]
    assert model_channels(meta, ["V5", "MLII"], "114") == ["MLII", "V5"]
    with pytest.raises(SignalrnnError, match=r"\['V1', 'V2', 'V4', 'V5'\].*not in the record"):
        model_channels(meta, ["MLII", "V3"], "x")


def test_an_ecg_model_of_one_lead_per_event_keeps_its_surface_leads():
    meta = catheter_meta("annotated") | {"events": {"source": "annotations", "detector": "qrs"}}
    assert model_channels(meta, ["II", "CS12"], "rec") == ["II", "CS12"]
    electrogram_model = catheter_meta("annotated")
    assert model_channels(electrogram_model, ["II", "CS12"], "rec") == ["CS12"]


def test_a_record_at_twice_the_models_rate_is_resampled_to_the_same_events_and_classes(tmp_path):
    model = default_model_for(tmp_path / "model", ["CS12", "CS34"])  # trained at 1 kHz
    for fs_hz, name in ((1000.0, "at_1khz"), (2000.0, "at_2khz")):
        record = write_egm_record(tmp_path, name, ["CS12", "CS34"], fs_hz=fs_hz)
        assert main(["predict", "--model", str(model), "--out", str(tmp_path / "out"), str(record)]) == 0
    same, double = (pd.read_csv(tmp_path / f"out/{name}.csv") for name in ("at_1khz", "at_2khz"))
    assert len(same) == len(double) > 30
    assert (double["channel"] == same["channel"]).all()
    assert np.abs(double["sample"] / 2 - same["sample"]).max() <= 1  # within one sample at 1 kHz
    assert np.abs(double["time_s"] - same["time_s"]).max() <= 0.001  # times at the record's own rate
    assert wfdb.rdann(str(tmp_path / "out/at_2khz"), "pred").sample.tolist() == double["sample"].tolist()
    probabilities = double.filter(like="p_").to_numpy() - same.filter(like="p_").to_numpy()
    print(f"largest probability difference {np.abs(probabilities).max():.4f}, "
          f"classes agree on {(double['class'] == same['class']).mean():.3f}")
    assert (double["class"] == same["class"]).mean() >= 0.9 and np.abs(probabilities).max() < 0.05


def test_a_model_whose_detector_is_bipolar_finds_one_event_per_complex_of_an_intracardiac_record(
        real_data, tmp_path):
    bipoles = ["CS12", "CS34", "CS56", "CS78", "CS90"]
    model = default_model_for(tmp_path / "model", bipoles)
    meta = json.loads(model.with_name("model.json").read_text())
    meta["events"]["detector"] = "bipolar"  # as a model trained on bipolar electrograms would say
    model.with_name("model.json").write_text(json.dumps(meta))
    data = trimmed_copy(real_data / "iafdb", ["iaf5_tva"], tmp_path / "data", 30)
    assert main(["predict", "--model", str(model), "--out", str(tmp_path / "out"),
                 str(data / "iaf5_tva")]) == 0
    table = pd.read_csv(tmp_path / "out/iaf5_tva.csv")
    assert set(table["channel"]) == set(bipoles)  # not the surface leads I, II, aVF
    record = wfdb.rdrecord(str(data / "iaf5_tva"))
    for channel, part in table.groupby("channel"):
        df_hz = dominant_frequency(record.p_signal[:, record.sig_name.index(channel)], record.fs)
        rate = len(part) / 29  # windows of 40 + 80 ms fit all but the record's ends
        print(f"iaf5_tva {channel}: {rate:.2f} events/s, DF {df_hz:.2f} Hz")
        assert abs(rate / df_hz - 1) <= 0.25


def test_bipolar_events_of_a_constructed_record_come_once_per_complex(tmp_path):
    model = default_model_for(tmp_path / "model", ["CS12", "CS34"])
    record = write_egm_record(tmp_path, "rec", ["II", "CS12", "CS34"], seconds=8.0)
    assert main(["predict", "--model", str(model), "--out", str(tmp_path / "out"), "--events", "bipolar",
                 str(record)]) == 0
    table = pd.read_csv(tmp_path / "out/rec.csv")
    assert set(table["channel"]) == {"CS12", "CS34"}
    assert table.groupby("channel").size().between(37, 39).all()  # 39 complexes 200 ms apart
