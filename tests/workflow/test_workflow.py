"""The real Snakemake workflow, end to end on the tiny synthetic config, in a scratch folder."""

import html
import json
import os
import re
import shutil
import signal
import subprocess
import zipfile

import mlflow
import pandas as pd
import pytest

from tests.helpers import BIN, METRIC_KEYS, free_port, snakemake, wait_for

pytestmark = pytest.mark.workflow

SECTIONS = ("summary", "data", "methods", "results", "sweep", "maps", "failures", "examples", "provenance")
FIGURES = ("confusion_matrix", "roc_pr", "reliability", "per_patient", "hidden_states", "failures",
           "training_curves", "snr_sweep", "maps_truth", "example_windows")


def test_metrics_json_has_the_documented_keys(tiny_run):
    metrics = json.loads((tiny_run / "results/tiny/metrics.json").read_text())
    assert set(metrics) >= METRIC_KEYS
    assert metrics["split"] == "test"
    assert metrics["n_windows"] == sum(map(sum, metrics["confusion_matrix"])) > 0
    assert set(metrics["per_class"]) == set(metrics["classes"])
    assert metrics["n_patients"] == metrics["ci"]["n_patients"] == 2
    low, high = metrics["ci"]["macro_f1"]
    assert low <= metrics["macro_f1"] <= high
    assert metrics["calibration"]["temperature"] > 0


def test_the_baseline_is_scored_on_the_same_windows_and_patients(tiny_run):
    metrics = json.loads((tiny_run / "results/tiny/metrics.json").read_text())
    baseline = metrics["baseline"]
    assert set(baseline) == METRIC_KEYS - {"roc_auc", "average_precision", "calibration"}
    assert baseline["n_windows"] == metrics["n_windows"]
    assert baseline["n_patients"] == metrics["n_patients"]
    assert baseline["per_class"].keys() == metrics["per_class"].keys()
    assert {"smooth_ms", "slope_fraction", "amplitude_fraction"} <= set(metrics["baseline_rule"])


def test_the_snr_sweep_scores_both_classifiers_and_the_maps_at_every_level(tiny_run):
    for snr in (20, 5):
        level = json.loads((tiny_run / f"results/tiny/sweep/snr_{snr}dB.json").read_text())
        assert level["snr_db"] == snr
        assert level["model"]["n_windows"] == level["baseline"]["n_windows"] > 0
        assert 0 <= level["baseline"]["macro_f1"] <= 1
        assert set(level["maps"]) == {"line_dice", "lat_block_dice", "zone_dice", "median_share_error"}


def test_breakdown_tables_cover_every_test_patient_and_record(tiny_run):
    split = pd.read_csv(tiny_run / "results/tiny/split.csv")
    test = split[split["split"] == "test"]
    per_patient = pd.read_csv(tiny_run / "results/tiny/tables/per_patient.csv")
    per_record = pd.read_csv(tiny_run / "results/tiny/tables/per_record.csv")
    assert sorted(per_patient["patient"]) == sorted(test["patient"].unique())
    assert sorted(per_record["record"]) == sorted(test["record"])
    points = pd.read_csv(tiny_run / "results/tiny/tables/operating_points.csv")
    assert {"sensitivity", "specificity", "ppv"} <= set(points.columns)


def test_no_patient_is_in_two_splits(tiny_run):
    split = pd.read_csv(tiny_run / "results/tiny/split.csv")
    assert (split.groupby("patient")["split"].nunique() == 1).all()


def test_report_is_one_self_contained_html_file(tiny_run):
    text = (tiny_run / "results/tiny/report.html").read_text()
    for section in SECTIONS:
        assert f'id="{section}"' in text
    assert text.count("<img ") == text.count('src="data:image/png;base64,') == len(FIGURES)
    assert not re.search(r"<script|<link|@import|url\(|@font-face", text)  # nothing fetched
    assert text.index('id="summary"') < text.index('id="data"') < text.index('id="provenance"')
    assert "95% CI" in text
    assert "deflection-counting" in text


def test_mlflow_has_the_run_with_test_metrics_model_and_fingerprints(tiny_run):
    mlflow.set_tracking_uri(f"sqlite:///{tiny_run / 'mlflow.db'}")
    runs = mlflow.search_runs(experiment_names=["tiny"], output_format="list")
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED"
    assert {"test_accuracy", "test_balanced_accuracy", "test_macro_f1", "test_macro_f1_ci_low",
            "test_macro_f1_ci_high", "test_ece", "baseline_test_macro_f1",
            "baseline_test_single_f1"} <= set(run.data.metrics)
    assert run.data.params["window.pre_ms"] == "40"
    assert {"git_commit", "config_hash", "data_fingerprint"} <= set(run.data.tags)
    history = mlflow.MlflowClient().get_metric_history(run.info.run_id, "val_loss")
    assert [m.step for m in history] == [1, 2]
    models = mlflow.search_logged_models(experiment_ids=[run.info.experiment_id],
                                         output_format="list")
    assert len(models) == 1
    artifacts = {a.path for folder in ("figures", "tables")
                 for a in mlflow.MlflowClient().list_artifacts(run.info.run_id, folder)}
    assert {"figures/test_roc_pr.png", "figures/test_failures.png",
            "tables/test_per_patient.json"} <= artifacts
    assert {d.dataset.name for d in run.inputs.dataset_inputs} == {"tiny-train", "tiny-val", "tiny-test"}
    champion = mlflow.MlflowClient().get_model_version_by_alias("tiny", "champion")
    assert champion.run_id == run.info.run_id


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
    bundle = zipfile.ZipFile(tiny_run / "report.zip")
    names = bundle.namelist()
    assert any(n.endswith("report.html") for n in names)
    index = bundle.read("report/report.html").decode()
    for figure in FIGURES:
        assert any(n.endswith(f"/{figure}.png") for n in names), figure
        caption = re.search(rf'"filename": "{figure}.png"[^{{}}]*?"caption": "([^"]+)"', index)
        assert caption and len(caption.group(1)) > 40, figure


# The report must decode every embedded image; the probe counts them once the page has loaded.
PROBE = """<script>addEventListener("load", () => {
  document.body.dataset.images = document.images.length;
  document.body.dataset.decoded = [...document.images].filter(i => i.naturalWidth > 0).length;
});</script>"""


def test_report_renders_in_chromium_with_every_image_decoded(tiny_run, chromium, tmp_path):
    report = tiny_run / "results/tiny/report.html"
    probed = tmp_path / "probed.html"
    probed.write_text(report.read_text().replace("</body>", f"{PROBE}</body>"))
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", probed.as_uri())
    for section in SECTIONS:
        assert f'id="{section}"' in dom
    assert re.search(r'data-images="(\d+)"', dom).group(1) == str(len(FIGURES))
    assert re.search(r'data-decoded="(\d+)"', dom).group(1) == str(len(FIGURES))
    screenshot = tiny_run / "results/tiny/report.png"
    chromium("--hide-scrollbars", "--window-size=1200,2400", f"--screenshot={screenshot}", report.as_uri())
    assert screenshot.read_bytes().startswith(b"\x89PNG")


def visible_text(dom: str) -> str:
    dom = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", dom)))


def test_mlflow_ui_shows_the_experiment_and_the_runs_test_metric(tiny_run, chromium):
    store = f"sqlite:///{tiny_run / 'mlflow.db'}"
    mlflow.set_tracking_uri(store)
    run = mlflow.search_runs(experiment_names=["tiny"], output_format="list")[0]
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "mlflow"), "ui", "--backend-store-uri", store, "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1"], cwd=tiny_run, start_new_session=True,
        env={**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/health", timeout_s=120)
        page = f"http://127.0.0.1:{port}/#/experiments/{run.info.experiment_id}/runs/{run.info.run_id}"
        text = visible_text(chromium("--virtual-time-budget=15000", "--dump-dom", page))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    assert " tiny " in text
    shown = re.search(r"test_macro_f1 (\d\.\d+)", text)
    assert shown, text[:3000]
    assert float(shown.group(1)) == pytest.approx(run.data.metrics["test_macro_f1"], abs=1e-3)


def test_a_bad_config_stops_before_any_job_with_the_key_named(project):
    (project / "configs/bad.yaml").write_text(
        (project / "configs/tiny.yaml").read_text().replace("units: 8", "units: -8"))
    result = snakemake(project, "--configfile", "configs/bad.yaml")
    assert result.returncode != 0
    assert "model.units" in result.stdout + result.stderr
    assert not (project / "results/tiny/metrics.json").exists()


def test_the_companion_and_the_stack_are_scored_on_the_lstms_test_patients_and_chosen_on_val(
        tiny_run, tmp_path):
    """companion.enabled on a finished run: only the companion, the stack and the report run (the
    LSTM is kept, not retrained); every model is scored on the same test windows; the stacking
    weight and costs come from the validation split."""
    project = tmp_path / "project"
    shutil.copytree(tiny_run, project, symlinks=True)
    config = project / "configs" / "companion.yaml"
    config.write_text((project / "configs" / "tiny.yaml").read_text() + "\ncompanion:\n  enabled: true\n"
                      "  max_iter: 10\n  class_weight_power: [0, 1]\n  cost_grid: [0.5, 1, 2]\n"
                      "  screening: {classes: [long_double, fractionated], sensitivity: 0.9}\n")
    result = snakemake(project, "--configfile", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "rule train:" not in result.stderr and "rule evaluate:" not in result.stderr
    results = project / "results" / "tiny"
    lstm = pd.read_csv(results / "predictions.csv")
    split = pd.read_csv(results / "split.csv")
    val_records = set(split.loc[split["split"] == "val", "record"])
    for member in ("companion", "stacked"):
        metrics = json.loads((results / member / "metrics.json").read_text())
        predictions = pd.read_csv(results / member / "predictions.csv")
        assert metrics["split"] == "test" and metrics["n_windows"] == len(lstm)
        assert predictions[["record", "sample", "label"]].equals(lstm[["record", "sample", "label"]])
    assert set(pd.read_csv(results / "val_predictions.csv")["record"]) == val_records
    chosen = json.loads((results / "stacked" / "stacking.json").read_text())
    assert 0 <= chosen["lstm_weight"] <= 1 and set(chosen["costs"].values()) <= {0.5, 1, 2}
    assert "Models side by side" in (results / "report.html").read_text()
    screening = json.loads((results / "stacked" / "metrics.json").read_text())["screening"]
    assert screening["tp"] + screening["fn"] == int(lstm["label"].isin(["long_double", "fractionated"]).sum())
