"""A training killed mid-way (as Snakemake or SLURM kill it) is marked FAILED in MLflow and, run
again, goes on from its last finished epoch in the same MLflow run."""

import json
import shutil
import signal
import subprocess
import time

import mlflow
import numpy as np
import pandas as pd
import yaml

from tests.helpers import BIN

EPOCHS = 12


def checkpoint_epoch(path) -> int:
    """The epoch of Keras' checkpoint metadata; -1 before it is written or while Keras writes it
    (the file is not replaced atomically, so a poll can read it half-written)."""
    try:
        return json.loads(path.read_text())["epoch"]
    except (FileNotFoundError, json.JSONDecodeError):
        return -1


def test_a_killed_training_resumes_from_its_last_epoch(tiny_run, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(tiny_run, project, ignore=shutil.ignore_patterns(".snakemake"))
    config = yaml.safe_load((project / "results" / "tiny" / "config.yaml").read_text())
    config["train"].update(epochs=EPOCHS, patience=EPOCHS)
    (project / "long.yaml").write_text(yaml.safe_dump(config))
    model_dir = project / "results" / "tiny" / "model"
    checkpoint = model_dir / "resume" / "keras" / "training_metadata.json"
    train = [str(BIN / "signalrnn"), "train", "--config", "long.yaml"]

    first = subprocess.Popen(train, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    while checkpoint_epoch(checkpoint) < 2:
        assert first.poll() is None and time.monotonic() < deadline, "no checkpoint of epoch 2"
        time.sleep(0.05)
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=120) != 0
    done_before = json.loads(checkpoint.read_text())["epoch"]
    assert done_before < EPOCHS

    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    run_id = json.loads((model_dir / "resume" / "mlflow_run.json").read_text())["run_id"]
    assert mlflow.get_run(run_id).info.status == "FAILED"

    second = subprocess.run(train, cwd=project, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert f"resuming after epoch {done_before}" in second.stdout
    assert json.loads((model_dir / "mlflow_run.json").read_text())["run_id"] == run_id
    assert mlflow.get_run(run_id).info.status == "FINISHED"
    steps = [m.step for m in mlflow.tracking.MlflowClient().get_metric_history(run_id, "val_loss")]
    assert sorted(set(steps)) == list(range(1, EPOCHS + 1))
    assert pd.read_csv(model_dir / "history.csv")["epoch"].tolist() == list(range(EPOCHS))
    assert not (model_dir / "resume").exists()


def test_a_killed_seed_ensemble_trains_each_network_once_and_is_evaluated_as_one_model(tiny_run, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(tiny_run, project, ignore=shutil.ignore_patterns(".snakemake"))
    config = yaml.safe_load((project / "results" / "tiny" / "config.yaml").read_text())
    config["train"].update(ensemble=2, seed=5, epochs=3, patience=3)
    (project / "ensemble.yaml").write_text(yaml.safe_dump(config))
    model_dir = project / "results" / "tiny" / "model"
    second_network = model_dir / "resume" / "seed6" / "keras" / "training_metadata.json"
    train = [str(BIN / "signalrnn"), "train", "--config", "ensemble.yaml"]

    first = subprocess.Popen(train, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    while not second_network.is_file():
        assert first.poll() is None and time.monotonic() < deadline, "the second network never began"
        time.sleep(0.05)
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=120) != 0
    assert (model_dir / "resume" / "seed5" / "network.keras").is_file()

    second = subprocess.run(train, cwd=project, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert "a seed ensemble of 2 networks (seeds [5, 6])" in second.stdout
    assert "seed 5: resuming" not in second.stdout
    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    run_id = json.loads((model_dir / "mlflow_run.json").read_text())["run_id"]
    client = mlflow.tracking.MlflowClient()
    for seed in (5, 6):
        steps = [m.step for m in client.get_metric_history(run_id, f"seed{seed}_val_loss")]
        assert sorted(set(steps)) == [1, 2, 3]
    first_steps = [m.step for m in client.get_metric_history(run_id, "seed5_val_loss")]
    assert len(first_steps) == 3  # trained once: no epoch of it logged twice
    history = pd.read_csv(model_dir / "history.csv")
    assert history.groupby("seed")["epoch"].apply(list).to_dict() == {5: [0, 1, 2], 6: [0, 1, 2]}
    assert not (model_dir / "resume").exists()

    evaluate = subprocess.run([str(BIN / "signalrnn"), "evaluate", "--config", "ensemble.yaml"],
                              cwd=project, capture_output=True, text=True, timeout=600)
    assert evaluate.returncode == 0, evaluate.stdout[-2000:] + evaluate.stderr[-2000:]
    evaluated = pd.read_csv(project / "results/tiny/predictions.csv")
    record = evaluated["record"].iat[0]
    predict = subprocess.run([str(BIN / "signalrnn"), "predict", "--model", str(model_dir / "model.keras"),
                              "--out", str(tmp_path / "out"), "--events", "annotations",
                              str(project / "data/tiny-egm" / record)], capture_output=True, text=True,
                             timeout=600)
    assert predict.returncode == 0, predict.stdout[-2000:] + predict.stderr[-2000:]
    predicted = pd.read_csv(tmp_path / "out" / f"{record}.csv")
    merged = evaluated[evaluated["record"] == record].merge(predicted, on=["sample", "channel"])
    assert len(merged) == len(predicted) > 0
    assert np.allclose(merged["p_single_x"], merged["p_single_y"], atol=2e-3)


def test_the_state_of_another_config_is_discarded(tmp_path):
    from signalrnn.model.resume import TrainingState

    state = TrainingState(tmp_path / "resume", "aaaa")
    state.remember_run("r1")
    assert TrainingState(tmp_path / "resume", "aaaa").run_id == "r1"
    assert TrainingState(tmp_path / "resume", "bbbb").run_id is None
