"""Beyond one machine: the same workflow through SLURM, and runs logged to a shared MLflow server.

.ci/run starts a one-node SLURM cluster (.ci/start-slurm) and PostgreSQL (.ci/start-postgres) on
127.0.0.1; elsewhere these tests are skipped when those services are not running.
"""

import os
import re
import shutil
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mlflow
import numpy as np
import pytest
import yaml

from tests.helpers import BIN, copy_project, free_port, snakemake, wait_for, write_yaml

pytestmark = [pytest.mark.workflow, pytest.mark.cluster]


def require(ready: bool, what: str) -> None:
    """Skip without the service; fail in CI, where .ci/run must have started it."""
    if not ready:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"{what} is not running")


def slurm_is_up() -> bool:
    if not shutil.which("sinfo"):
        return False
    states = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True).stdout
    return any(s in states for s in ("idle", "mix", "alloc"))


def postgres_is_up() -> bool:
    return bool(shutil.which("pg_isready")) and subprocess.run(
        ["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0


def derived_config(project: Path, name: str, **changes) -> str:
    """configs/<name>.yaml: the tiny config renamed, with ``changes`` to top-level sections."""
    config = yaml.safe_load((project / "configs/tiny.yaml").read_text())
    config.update(name=name, data_dir=f"data/{name}", **changes)
    write_yaml(project / f"configs/{name}.yaml", config)
    return f"configs/{name}.yaml"


SLURM_ON_ONE_SMALL_NODE = [
    "--profile", "workflow/profiles/slurm", "--slurm-no-account", "--slurm-keep-successful-logs",
    "--slurm-init-seconds-before-status-checks", "2", "--seconds-between-status-checks", "3",
    "--set-threads", "train=2", "evaluate=2",
    "--set-resources", "train:cpus_per_task=2", "train:mem_mb=3000",
    "evaluate:cpus_per_task=2", "evaluate:mem_mb=3000",
]


def test_tiny_config_runs_through_slurm_and_matches_a_local_run(tiny_run, tmp_path):
    require(slurm_is_up(), "a SLURM cluster (sinfo)")
    cluster = copy_project(tmp_path)
    # the tiny config without its SNR sweep, which only feeds the report: fewer jobs to wait for
    tiny = yaml.safe_load((cluster / "configs/tiny.yaml").read_text())
    write_yaml(cluster / "configs/tiny_no_sweep.yaml", {**tiny, "sweep": {"snr_db": []}})
    result = snakemake(cluster, "--configfile", "configs/tiny_no_sweep.yaml", *SLURM_ON_ONE_SMALL_NODE)
    assert result.returncode == 0, result.stderr[-3000:]

    logs = cluster / ".snakemake/slurm_logs"
    ran = {re.sub(r"_\d+$", "", p.name.removeprefix("rule_")) for p in logs.iterdir() if any(p.iterdir())}
    assert {"simulate", "filter", "annotate", "window", "split", "train", "evaluate",
            "report"} <= ran
    # one SLURM job per batch of records: 5 records at records_per_job 3
    assert [len(list(batch.rglob("*.log"))) for batch in sorted(logs.glob("rule_filter_*"))] == [1, 1]

    local, remote = tiny_run / "results/tiny", cluster / "results/tiny"
    for name in ["split.csv", *(f"events/{p.name}" for p in sorted((local / "events").glob("*.csv")))]:
        assert (local / name).read_text() == (remote / name).read_text()
    for npy in sorted((local / "windows").glob("*.npy")):
        assert np.array_equal(np.load(npy), np.load(remote / "windows" / npy.name))
    assert (local / "metrics.json").read_text() == (remote / "metrics.json").read_text()


@pytest.fixture
def mlflow_server(tmp_path):
    """``mlflow server`` on 127.0.0.1 with a fresh PostgreSQL database as its backend store."""
    require(postgres_is_up(), "PostgreSQL on 127.0.0.1")
    database = f"signalrnn_test_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PGPASSWORD": "mlflow"}
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "mlflow", database], env=env, check=True)
    port = free_port()
    uri = f"http://127.0.0.1:{port}"
    with open(tmp_path / "server.log", "w") as log:
        server = subprocess.Popen(
            [str(BIN / "mlflow"), "server", "--host", "127.0.0.1", "--port", str(port),
             "--backend-store-uri", f"postgresql://mlflow:mlflow@127.0.0.1:5432/{database}",
             "--artifacts-destination", str(tmp_path / "artifacts"), "--workers", "1"],
            stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(f"{uri}/health", timeout_s=90)
        yield uri
    finally:
        server.terminate()
        server.wait(timeout=30)
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "mlflow", "--if-exists", database],
                       env=env, check=False)


def test_two_jobs_log_to_one_shared_server_at_once(mlflow_server, tmp_path):
    projects = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        projects.append(copy_project(tmp_path / name))
    configs = [derived_config(p, f"tiny_{n}", mlflow={"tracking_uri": mlflow_server},
                              sweep={"snr_db": []})
               for p, n in zip(projects, "ab", strict=True)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda pc: snakemake(pc[0], "--cores", "1", "--configfile", pc[1]),
                                zip(projects, configs, strict=True)))
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]

    mlflow.set_tracking_uri(mlflow_server)
    for name in ("tiny_a", "tiny_b"):
        runs = mlflow.search_runs(experiment_names=[name], output_format="list")
        assert len(runs) == 1 and runs[0].info.status == "FINISHED"
        assert 0 <= runs[0].data.metrics["test_macro_f1"] <= 1
        champion = mlflow.MlflowClient().get_model_version_by_alias(name, "champion")
        assert champion.run_id == runs[0].info.run_id
