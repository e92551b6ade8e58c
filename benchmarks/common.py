"""What the benchmark scripts share: the project root, a scratch copy of it, the venv's PATH."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def venv_env() -> dict[str, str]:
    """This environment with the running interpreter's bin folder (snakemake, signalrnn) first."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def copy_project(dest: Path) -> Path:
    """Copy the workflow (Snakefile, workflow/, configs/, its conda env) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("Snakefile", "workflow", "configs", "environment.yml"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    return dest
