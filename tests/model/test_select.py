"""Hyperparameter search: a grid in the config becomes trials, each one Snakemake job and MLflow
run under a parent; the validation split alone selects the model that the test split scores."""

import json
import shutil

import mlflow
import pandas as pd
import pytest

from signalrnn.config.grid import trials, with_settings
from signalrnn.config.load import load_config, validate_config
from signalrnn.errors import SignalrnnError
from tests.helpers import ROOT, snakemake, write_yaml

GRID = {"train.learning_rate": [0.001, 0.01], "model.units": [4, 8]}


@pytest.fixture
def config():
    return load_config(ROOT / "configs/tiny.yaml")


def test_every_combination_is_a_trial_in_sorted_key_order(config):
    config["tune"]["grid"] = GRID
    assert trials(config) == {
        "t00": {"model.units": 4, "train.learning_rate": 0.001},
        "t01": {"model.units": 4, "train.learning_rate": 0.01},
        "t02": {"model.units": 8, "train.learning_rate": 0.001},
        "t03": {"model.units": 8, "train.learning_rate": 0.01},
    }


def test_settings_change_a_copy(config):
    changed = with_settings(config, {"model.units": 99})
    assert changed["model"]["units"] == 99 and config["model"]["units"] == 8


@pytest.mark.parametrize(("grid", "split", "named"), [
    ({"model.unit": [4]}, "patient", r"tune\.grid: 'model\.unit' is no model or train setting"),
    ({"window.pre_ms": [10]}, "patient", r"tune\.grid: 'window\.pre_ms' is no model or train"),
    ({"model.units": [4, -1]}, "patient", r"tune\.grid trial t01 .*model\.units"),
    ({"model.units": [4]}, "kfold", r"tune\.grid: a search needs one validation split"),
])
def test_a_bad_grid_is_named(config, grid, split, named):
    config["tune"]["grid"], config["split"]["method"], config["sweep"]["snr_db"] = grid, split, []
    with pytest.raises(SignalrnnError, match=named):
        validate_config(config)


def test_the_search_runs_as_jobs_and_selects_on_validation_only(tiny_run, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(tiny_run, project)  # with .snakemake/: its metadata notices the new settings
    tiny = load_config(project / "configs/tiny.yaml")
    write_yaml(project / "configs/tune.yaml", {**tiny, "tune": {"grid": {"model.units": [4, 8]}},
                                               "sweep": {"snr_db": []}})
    result = snakemake(project, "--configfile", "configs/tune.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert log.count("rule train:") == 2 and "rule select:" in log and "rule filter" not in log

    out = project / "results/tiny"
    table = pd.read_csv(out / "tune/trials.csv")
    assert table["trial"].tolist() == ["t00", "t01"] and table["model.units"].tolist() == [4, 8]
    chosen = table.loc[table["val_loss"].idxmin()]
    assert table["selected"].tolist() == (table["trial"] == chosen["trial"]).tolist()
    assert json.loads((out / "model/mlflow_run.json").read_text())["run_id"] == chosen["run_id"]
    assert json.loads((out / "tune/selected.json").read_text())["settings"] == {
        "model.units": int(chosen["model.units"])}

    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    runs = {r.info.run_id: r for r in mlflow.search_runs(experiment_names=["tiny"], output_format="list")}
    parent = runs[runs[chosen["run_id"]].data.tags["mlflow.parentRunId"]]
    assert parent.data.tags["tune_selected_trial"] == chosen["trial"]
    for row in table.itertuples():
        child = runs[row.run_id]
        assert child.data.tags["mlflow.parentRunId"] == parent.info.run_id
        # only the selected trial ever saw the test patients
        assert ("test_macro_f1" in child.data.metrics) == row.selected
    assert "Hyperparameter search" in (out / "report.html").read_text()
