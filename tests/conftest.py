"""Shared fixtures: a validated tiny config, a scratch project folder, the real data folder,
headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from signalrnn.config.load import load_config
from tests.helpers import BIN, ROOT, copy_project


@pytest.fixture
def tiny_config(tmp_path) -> dict:
    """configs/tiny.yaml, validated, with its data in a temporary folder."""
    config = load_config(ROOT / "configs" / "tiny.yaml")
    config["data_dir"] = str(tmp_path / "data")
    return config




@pytest.fixture
def project(tmp_path) -> Path:
    """A scratch copy of the workflow in a temporary folder."""
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The folder of real PhysioNet records named by SIGNALRNN_DATA (skips when unset)."""
    folder = os.environ.get("SIGNALRNN_DATA")
    if not folder or not Path(folder).is_dir():
        pytest.skip("SIGNALRNN_DATA does not name a folder of real WFDB records")
    return Path(folder)


# Offline: no network features, no sandbox (containers run as root), no GPU.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def chromium(tmp_path_factory):
    """Run Debian's headless ``chromium`` with the given arguments and a fresh profile; returns
    its stdout. Skips when chromium is missing, except under CI (env ``CI``), where it fails."""
    binary = shutil.which("chromium")
    if binary is None:
        message = "chromium is not installed (`apt-get install -y chromium`; make test does it as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

    def run(*args: str) -> str:
        profile = tmp_path_factory.mktemp("chromium-profile")
        result = subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                                capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    return run






@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """A scratch project in which configs/tiny.yaml ran once through the whole workflow, by the
    README's ``make run``, with the venv neither activated nor on PATH, as a script or cron job
    calls it: the workflow must find the venv's ``signalrnn`` on its own (the venv is this test
    run's, linked in for the run; ``-o`` keeps make from rebuilding it)."""
    project = copy_project(tmp_path_factory.mktemp("tiny_run"))
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, project / name)
    (project / ".venv").symlink_to(BIN.parent)
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if Path(p).resolve() != BIN.resolve())
    result = subprocess.run(["make", "-o", ".venv/bin/signalrnn", "run", "CONFIG=configs/tiny.yaml",
                             "CORES=2"], cwd=project, env={**os.environ, "PATH": path},
                            capture_output=True, text=True, timeout=900)
    (project / ".venv").unlink()  # tests copy this project: not the venv
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return project






# Tiers: a test that uses one of these fixtures carries its mark, so `make test-fast` can leave it out.
FIXTURE_TIERS = {"tiny_run": "workflow", "project": "workflow", "real_data": "real_data",
                 "chromium": "browser"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, tier in FIXTURE_TIERS.items():
            if fixture in item.fixturenames:
                item.add_marker(tier)
