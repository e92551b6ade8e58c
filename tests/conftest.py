"""Shared fixtures: a validated tiny config, a scratch project folder, the real data folder,
headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from signalrnn.config import load_config

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def tiny_config(tmp_path) -> dict:
    """configs/tiny.yaml, validated, with its data in a temporary folder."""
    config = load_config(ROOT / "configs" / "tiny.yaml")
    config["data_dir"] = str(tmp_path / "data")
    return config


def copy_project(dest: Path) -> Path:
    """Copy the workflow (Snakefile, workflow/, configs/, its conda env) to ``dest``."""
    for name in ("Snakefile", "workflow", "configs", "environment.yml"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    return dest


@pytest.fixture
def project(tmp_path) -> Path:
    """A scratch copy of the workflow in a temporary folder."""
    return copy_project(tmp_path)


@pytest.fixture
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


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
