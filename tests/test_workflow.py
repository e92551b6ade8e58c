"""The real Snakemake workflow, end to end on the tiny synthetic config, in a scratch folder."""

import json
import zipfile

import mlflow
import pandas as pd

from tests.conftest import snakemake

METRIC_KEYS = {"split", "classes", "n_windows", "accuracy", "balanced_accuracy", "macro_f1",
               "per_class", "confusion_matrix"}


def test_metrics_json_has_the_documented_keys(tiny_run):
    metrics = json.loads((tiny_run / "results/tiny/metrics.json").read_text())
    assert set(metrics) >= METRIC_KEYS
    assert metrics["split"] == "test"
    assert metrics["n_windows"] == sum(map(sum, metrics["confusion_matrix"])) > 0
    assert set(metrics["per_class"]) == set(metrics["classes"])


def test_no_patient_is_in_two_splits(tiny_run):
    split = pd.read_csv(tiny_run / "results/tiny/split.csv")
    assert (split.groupby("patient")["split"].nunique() == 1).all()


def test_report_is_one_self_contained_html_file(tiny_run):
    html = (tiny_run / "results/tiny/report.html").read_text()
    for section in ("summary", "data", "methods", "results", "examples", "provenance"):
        assert f'id="{section}"' in html
    assert html.count('src="data:image/png;base64,') == 3
    assert "http://" not in html and "https://" not in html.replace("https://json-schema", "")


def test_mlflow_has_the_run_with_test_metrics_model_and_fingerprints(tiny_run):
    mlflow.set_tracking_uri(f"sqlite:///{tiny_run / 'mlflow.db'}")
    runs = mlflow.search_runs(experiment_names=["tiny"], output_format="list")
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED"
    assert {"test_accuracy", "test_balanced_accuracy", "test_macro_f1"} <= set(run.data.metrics)
    assert run.data.params["window.pre_ms"] == "40"
    assert {"git_commit", "config_hash", "data_fingerprint"} <= set(run.data.tags)
    history = mlflow.MlflowClient().get_metric_history(run.info.run_id, "val_loss")
    assert [m.step for m in history] == [1, 2]
    models = mlflow.search_logged_models(experiment_ids=[run.info.experiment_id],
                                         output_format="list")
    assert len(models) == 1


def test_a_second_run_has_nothing_to_do(tiny_run):
    result = snakemake(tiny_run, "--configfile", "configs/tiny.yaml", "--dry-run")
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def test_changing_the_model_reruns_training_but_not_preprocessing(tiny_run):
    changed = tiny_run / "configs/tiny_units4.yaml"
    changed.write_text((tiny_run / "configs/tiny.yaml").read_text().replace("units: 8", "units: 4"))
    result = snakemake(tiny_run, "--configfile", str(changed), "--dry-run")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "train" in out and "rule filter" not in out and "rule window" not in out


def test_lint_finds_no_errors(tiny_run):
    result = snakemake(tiny_run, "--configfile", "configs/tiny.yaml", "--lint")
    assert result.returncode == 0, result.stdout + result.stderr


def test_snakemake_report_contains_captioned_figures(tiny_run):
    result = snakemake(tiny_run, "--configfile", "configs/tiny.yaml", "--report", "report.zip")
    assert result.returncode == 0, result.stderr[-2000:]
    names = zipfile.ZipFile(tiny_run / "report.zip").namelist()
    assert any(n.endswith("confusion_matrix.png") for n in names)
    assert any(n.endswith("report.html") for n in names)


def test_a_bad_config_stops_before_any_job_with_the_key_named(project):
    (project / "configs/bad.yaml").write_text(
        (project / "configs/tiny.yaml").read_text().replace("units: 8", "units: -8"))
    result = snakemake(project, "--configfile", "configs/bad.yaml")
    assert result.returncode != 0
    assert "model.units" in result.stdout + result.stderr
    assert not (project / "results/tiny/metrics.json").exists()
