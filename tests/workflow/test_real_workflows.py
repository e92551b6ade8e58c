"""configs/mitdb.yaml and configs/iafdb.yaml end to end, on a few seconds to minutes of a few real
records (SIGNALRNN_DATA), with one-epoch models: the plumbing, not the accuracy."""

import json

import mlflow
import numpy as np
import pandas as pd
import pytest
import yaml

from signalrnn.cli import main
from signalrnn.preprocessing.window import PREMATURITY, RR_COLUMNS
from tests.helpers import METRIC_KEYS, copy_project, snakemake, trimmed_copy, write_yaml

pytestmark = pytest.mark.workflow

FAST_TRAINING = {"model": {"units": 8}, "train": {"epochs": 1, "batch_size": 64}}




def derived_config(project, name, changes):
    """configs/<name>.yaml with the sections in ``changes`` merged in, written beside it."""
    config = yaml.safe_load((project / "configs" / f"{name}.yaml").read_text())
    for key, value in changes.items():
        config[key] = {**config[key], **value} if isinstance(value, dict) else value
    return write_yaml(project / "configs" / f"{name}_subset.yaml", config)


def run_subset(project, config_path):
    result = snakemake(project, "--configfile", str(config_path))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return project / "results" / yaml.safe_load(config_path.read_text())["name"]


@pytest.fixture(scope="module")
def mitdb_subset(real_data, tmp_path_factory):
    """The record-list split of configs/mitdb.yaml on three MIT-BIH records, three minutes each,
    beats VEB and not VEB (three minutes hold too few of the other classes to train on; every
    beat stays an event, as the RR intervals need). Without SVEB, the premature gate is on VEB."""
    project = copy_project(tmp_path_factory.mktemp("mitdb"))
    data = trimmed_copy(real_data / "mitdb-ds1", ["106", "119", "223"], project / "data/subset",
                        180, "atr")
    aami = yaml.safe_load((project / "configs/mitdb.yaml").read_text())["annotation"]["classes"]
    classes = {"N": [code for name, codes in aami.items() if name != "VEB" for code in codes],
               "VEB": aami["VEB"]}
    config = derived_config(project, "mitdb", {
        "data_dir": str(data), **FAST_TRAINING, "annotation": {"classes": classes},
        "model": {"premature_gate": {"class": "VEB", "min_prematurity": 3.0, "otherwise": "N"}},
        "split": {"records": {"train": ["119"], "val": ["106"], "test": ["223"]}},
        # the companion and its stack choose on the two classes there are, and screen for VEB
        "companion": {"scored_classes": ["N", "VEB"], "reference_called_max": {},
                      "screening": {"classes": ["VEB"], "sensitivity": 0.95}},
        "aami": {"ec57": False},  # EC57 counting needs all five AAMI classes
    })
    return run_subset(project, config)


@pytest.fixture(scope="module")
def iafdb_lopo(real_data, tmp_path_factory):
    """Leave-one-patient-out over two AF and two flutter patients, two 10 s recordings each."""
    project = copy_project(tmp_path_factory.mktemp("iafdb"))
    records = [f"iaf{p}_{site}" for p in (1, 2, 5, 8) for site in ("ivc", "svc")] + ["iaf7_tva"]
    data = trimmed_copy(real_data / "iafdb", records, project / "data/subset", 10)
    config = derived_config(project, "iafdb", {"data_dir": str(data), "records": records,
                                               **FAST_TRAINING})
    return run_subset(project, config)


def test_mitdb_tests_on_its_test_list_with_rr_features_at_180_hz(mitdb_subset):
    metrics = json.loads((mitdb_subset / "metrics.json").read_text())
    assert set(metrics) >= METRIC_KEYS and "folds" not in metrics
    predictions = pd.read_csv(mitdb_subset / "predictions.csv", dtype={"record": str})
    assert predictions["record"].unique().tolist() == ["223"]
    assert set(RR_COLUMNS) <= set(predictions.columns)
    meta = json.loads((mitdb_subset / "model/model.json").read_text())
    assert meta["features"] == RR_COLUMNS and meta["fs_hz"] == 180.0
    assert meta["input_shape"] == [144, 2]  # 350 + 450 ms at 180 Hz: MLII and MLII - median beat
    history = pd.read_csv(mitdb_subset / "model/history.csv")
    assert sorted(history["seed"].unique()) == [0, 1, 2]  # the config's seed ensemble, each trained


def test_the_premature_gate_leaves_no_veb_probability_on_beats_that_come_on_time(mitdb_subset):
    gate = json.loads((mitdb_subset / "model/model.json").read_text())["premature_gate"]
    assert gate == {"class": "VEB", "min_prematurity": 3.0, "otherwise": "N"}
    predictions = pd.read_csv(mitdb_subset / "predictions.csv")
    on_time = predictions[PREMATURITY] < gate["min_prematurity"]
    assert on_time.any() and (predictions.loc[on_time, "p_VEB"] == 0).all()
    assert (predictions.loc[~on_time, "p_VEB"] > 0).any()


def test_predict_with_the_mitdb_model_reproduces_its_evaluation(mitdb_subset, tmp_path):
    """The RR features and the median-beat channels are computed by predict as by the window
    step, so the trained model gives the same answer on its test record."""
    evaluated = pd.read_csv(mitdb_subset / "predictions.csv")
    record = mitdb_subset.parents[1] / "data/subset/223"
    assert main(["predict", "--model", str(mitdb_subset / "model/model.keras"), "--out", str(tmp_path),
                 "--events", "annotations", str(record)]) == 0
    predicted = pd.read_csv(tmp_path / "223.csv")
    merged = evaluated.merge(predicted, on="sample")
    assert len(merged) == len(evaluated) > 100
    assert (merged["predicted"] == merged["class"]).all()
    assert np.allclose(merged["p_VEB_x"], merged["p_VEB_y"], atol=2e-3)


def test_iafdb_leaves_each_labelled_patient_out_once(iafdb_lopo):
    split = pd.read_csv(iafdb_lopo / "split.csv", dtype={"patient": str})
    test = split[split["split"] == "test"]
    assert sorted(test["patient"].unique()) == ["1", "2", "5", "8"]  # not 7: Fib/Flutter
    assert (test.groupby("fold")["patient"].nunique() == 1).all()
    meta = json.loads((iafdb_lopo / "folds/fold0/model/model.json").read_text())
    assert meta["input_shape"] == [500, 5]  # 2 s at 250 Hz, five CS electrograms


def test_iafdb_pools_the_test_predictions_of_every_fold(iafdb_lopo):
    metrics = json.loads((iafdb_lopo / "metrics.json").read_text())
    assert set(metrics) >= METRIC_KEYS | {"folds"}
    folds = metrics["folds"]
    assert [f["fold"] for f in folds] == [0, 1, 2, 3] and metrics["classes"] == ["AF", "flutter"]
    assert metrics["n_windows"] == sum(f["n_windows"] for f in folds)
    pooled = pd.DataFrame(metrics["confusion_matrix"])
    assert pooled.equals(sum(pd.DataFrame(f["confusion_matrix"]) for f in folds))
    predictions = pd.read_csv(iafdb_lopo / "predictions.csv", dtype={"patient": str})
    assert len(predictions) == metrics["n_windows"]
    assert (predictions.groupby("patient")["fold"].nunique() == 1).all()
    assert predictions.groupby("label")["patient"].nunique().to_dict() == {"AF": 2, "flutter": 2}


def test_iafdb_report_shows_the_folds(iafdb_lopo):
    html = (iafdb_lopo / "report.html").read_text()
    assert "Per fold" in html and "test folds pooled" in html and "leave-one-patient-out" in html
    # pooled: confusion, ROC / PR, reliability, per patient, failures; training curves, examples
    assert html.count('src="data:image/png;base64,') == 7
    # no pooled hidden-state map (each fold has its own model); each fold keeps its own
    assert 'alt="hidden states"' not in html
    assert all((iafdb_lopo / f"folds/fold{k}/figures/hidden_states.png").is_file() for k in range(4))


def test_iafdb_logs_one_mlflow_run_per_fold_and_one_pooled(iafdb_lopo):
    mlflow.set_tracking_uri(f"sqlite:///{iafdb_lopo.parent.parent / 'mlflow.db'}")
    runs = mlflow.search_runs(experiment_names=["iafdb"], output_format="list")
    names = sorted(r.info.run_name.rsplit("-", 1)[-1] for r in runs)
    assert names == ["fold0", "fold1", "fold2", "fold3", "pooled"]
    assert all(r.info.status == "FINISHED" and "test_macro_f1" in r.data.metrics for r in runs)
    pooled = next(r for r in runs if r.info.run_name.endswith("-pooled"))
    assert all(r.data.tags["mlflow.parentRunId"] == pooled.info.run_id for r in runs if r is not pooled)
    # folds are scored on different patients: none is registered, none can be champion
    assert not mlflow.MlflowClient().search_model_versions("name = 'iafdb'")


def test_ds1_alone_cannot_test_on_ds2_and_says_how_to_cross_validate(real_data, project):
    result = snakemake(project, "--configfile", "configs/mitdb.yaml", "--dry-run",
                       "--config", f"data_dir={real_data / 'mitdb-ds1'}")
    assert result.returncode != 0
    assert "22 of 44 records are missing" in result.stderr and "kfold" in result.stderr


def test_an_empty_data_dir_is_downloaded_first(project):
    result = snakemake(project, "--configfile", "configs/mitdb.yaml", "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "rule download" in result.stdout and "rule filter" in result.stdout


@pytest.fixture(scope="module")
def iafdb_transfer(real_data, tmp_path_factory):
    """configs/iafdb-transfer.yaml on six simulated catheter patients of 4 s, predicting three IAFDB
    records of 10 s: an AF, a flutter and the Fib/Flutter patient."""
    project = copy_project(tmp_path_factory.mktemp("transfer"))
    records = ["iaf1_svc", "iaf5_ivc", "iaf7_tva"]
    data = trimmed_copy(real_data / "iafdb", records, project / "data/iafdb", 10)
    config = derived_config(project, "iafdb-transfer", {
        **FAST_TRAINING, "simulate": {"n_patients": 6, "records_per_patient": 1, "duration_s": 4},
        "predict": {"records_dir": str(data)}, "sweep": {"snr_db": []},
    })
    return run_subset(project, config)


def test_the_transfer_check_describes_every_bipole_of_every_real_record(iafdb_transfer):
    channels = pd.read_csv(iafdb_transfer / "real/channels.csv")
    assert sorted(channels["record"].unique()) == ["iaf1_svc", "iaf5_ivc", "iaf7_tva"]
    assert sorted(channels["channel"].unique()) == ["CS12", "CS34", "CS56", "CS78", "CS90"]  # no ECG lead
    assert (channels["duration_s"] == 10).all() and (channels["dominant_frequency_hz"] > 0).all()


def test_the_transfer_check_groups_patients_by_header_rhythm_only_for_the_contrast(iafdb_transfer):
    summary = json.loads((iafdb_transfer / "real/summary.json").read_text())
    assert summary["groups"]["AF"]["patients"] == ["1"] and summary["groups"]["flutter"]["patients"] == ["5"]
    patients = pd.read_csv(iafdb_transfer / "real/patients.csv", dtype=str, keep_default_na=False)
    assert patients.set_index("patient").loc["7", "group"] == ""  # Atrial Fib/Flutter: neither group
    assert set(summary["correlations"]) == {"cfe_mean_ms", "icl", "organisation_index", "entropy_bits"}
    html = (iafdb_transfer / "report.html").read_text()
    assert 'id="real-recordings"' in html and "Spearman rho" in html
