"""Failures and concurrency: runs are never lost, never left RUNNING, never locked out."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import mlflow

# One workflow job's MLflow traffic: join the experiment, open a run, log params, metrics per
# epoch and an artifact, close the run.
JOB = """
import sys, mlflow
from signalrnn.tracking import use_experiment
use_experiment({"name": "shared", "mlflow": {"tracking_uri": sys.argv[1]}})
with mlflow.start_run(run_name=sys.argv[2]):
    mlflow.log_params({f"p{i}": i for i in range(30)})
    for epoch in range(30):
        mlflow.log_metrics({"train_loss": 1 / (epoch + 1), "val_loss": 2 / (epoch + 1)}, step=epoch)
    mlflow.log_dict({"job": sys.argv[2]}, "job.json")
"""


def test_parallel_jobs_share_one_new_sqlite_store_without_losing_a_run(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"  # does not exist yet: the jobs race to create it
    names = [f"job{i}" for i in range(3)]
    with ThreadPoolExecutor(len(names)) as pool:
        results = list(pool.map(
            lambda name: subprocess.run([sys.executable, "-c", JOB, uri, name], capture_output=True,
                                        text=True, timeout=300, cwd=tmp_path), names))
    for result in results:
        assert result.returncode == 0, result.stderr[-2000:]
    mlflow.set_tracking_uri(uri)
    runs = mlflow.search_runs(experiment_names=["shared"], output_format="list")
    assert sorted(r.info.run_name for r in runs) == names
    assert all(r.info.status == "FINISHED" for r in runs)
    assert all(len(mlflow.MlflowClient().get_metric_history(r.info.run_id, "val_loss")) == 30
               for r in runs)
