"""Every command fails in one line that names the file or key, with a non-zero exit."""

import subprocess
import sys

from tests.helpers import ROOT, write_yaml


def signalrnn(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "signalrnn.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_a_bad_config_value_is_one_line_naming_the_key(tmp_path):
    config = write_yaml(tmp_path / "c.yaml", {"name": "x", "data_dir": "d",
                                              "annotation": {"classes": {"a": ["A"], "b": ["B"]}},
                                              "window": {"pre_ms": -1}})
    result = signalrnn("split", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "window.pre_ms" in result.stderr and "c.yaml" in result.stderr


def test_an_unwritable_results_folder_is_named(tmp_path):
    blocker = tmp_path / "results"
    blocker.write_text("a file where the results folder should be")
    result = signalrnn("simulate", "--config", str(ROOT / "configs/tiny.yaml"), "--results",
                       str(blocker), "--out", str(blocker / "data"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "results" in result.stderr and "writable" in result.stderr


def test_missing_records_are_named(tmp_path):
    (tmp_path / "empty").mkdir()
    config = write_yaml(tmp_path / "c.yaml", {"name": "x", "data_dir": str(tmp_path / "empty"),
                                              "annotation": {"classes": {"a": ["A"], "b": ["B"]}}})
    result = signalrnn("annotate", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 1
    assert "no WFDB records found" in result.stderr and "empty" in result.stderr


def test_the_data_steps_import_no_deep_learning_plotting_or_tracking_library():
    """A filter, annotate or window job starts in a second, not in the seconds TensorFlow takes."""
    steps = ("signalrnn.cli", "signalrnn.preprocessing.filters", "signalrnn.preprocessing.window",
             "signalrnn.data.annotate", "signalrnn.io.records", "signalrnn.io.tables")
    probe = (f"import sys; import {', '.join(steps)}; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & "
             "{'tensorflow', 'keras', 'matplotlib', 'mlflow', 'sklearn'}))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def test_the_window_and_annotate_steps_and_snakemake_itself_do_not_import_scipy_signal():
    """Only filtering needs scipy.signal (about 1 s to import): a window or annotate job, and the
    workflow's own start-up (common.smk imports data.annotate), do without it."""
    modules = ("signalrnn.cli", "signalrnn.preprocessing.steps", "signalrnn.data.annotate",
               "signalrnn.io.records")
    probe = f"import sys; import {', '.join(modules)}; print('scipy.signal' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "False"
