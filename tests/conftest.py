"""Shared fixtures: a validated tiny config, a scratch project folder, the real data folder."""

from __future__ import annotations

import os
import shutil
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


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The folder of real PhysioNet records named by SIGNALRNN_DATA (skips when unset)."""
    folder = os.environ.get("SIGNALRNN_DATA")
    if not folder or not Path(folder).is_dir():
        pytest.skip("SIGNALRNN_DATA does not name a folder of real WFDB records")
    return Path(folder)


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
