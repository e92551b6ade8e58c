"""Bad input: each case ends in one line on stderr that names the file or config key and what to
do, a non-zero exit, and no output that looks complete. Missing records, broken headers, unknown
annotation codes and bad config values have their tests beside the code that reads them."""

import json

import numpy as np
import pytest
import wfdb

from signalrnn.cli import main
from signalrnn.preprocessing.filters import preprocess
from tests.helpers import write_yaml

FS_HZ = 1000
CONFIG = {"name": "bad", "data_dir": "data", "patient_regex": "^(p\\d+)_",
          "annotation": {"classes": {"normal": ["N"], "ventricular": ["V"]}},
          "window": {"pre_ms": 50, "post_ms": 50}}


def write_record(name: str, signal: np.ndarray, fs_hz: int = FS_HZ) -> None:
    """A two-channel record in data/ with alternating N and V beats every 400 ms."""
    wfdb.wrsamp(name, fs=fs_hz, units=["mV", "mV"], sig_name=["I", "II"], p_signal=signal,
                fmt=["16", "16"], adc_gain=[200, 200], baseline=[0, 0], write_dir="data")
    beats = np.arange(300, max(len(signal) - 300, 301), 400)
    wfdb.wrann(name, "atr", beats, np.array(["N", "V"] * len(beats))[:len(beats)], write_dir="data")


def noise(n_samples: int = 4000) -> np.ndarray:
    return np.random.default_rng(0).normal(0, 0.5, (n_samples, 2))


@pytest.fixture
def study(tmp_path, monkeypatch):
    """Five one-record patients and a config in the current folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    for patient in range(5):
        write_record(f"p{patient}_r1", noise())
    write_yaml(tmp_path / "bad.yaml", CONFIG)
    return tmp_path


def one_line_error(capsys, *argv: str) -> str:
    assert main(list(argv)) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    return err


def test_a_missing_signal_file_is_named(study, capsys):
    (study / "data/p1_r1.dat").unlink()
    err = one_line_error(capsys, "filter", "--config", "bad.yaml", "--record", "p1_r1")
    assert "data/p1_r1" in err and "re-export or remove it" in err
    assert not (study / "results/bad/filtered/p1_r1.npy").exists()


def test_a_signal_file_shorter_than_its_header_says_is_named(study, capsys):
    dat = study / "data/p1_r1.dat"
    dat.write_bytes(dat.read_bytes()[:1000])
    err = one_line_error(capsys, "filter", "--config", "bad.yaml", "--record", "p1_r1")
    assert "data/p1_r1.dat: holds 250 samples per channel" in err
    assert "header data/p1_r1.hea says 4000" in err and "shorter than its header says" in err
    assert not (study / "results/bad/filtered").exists()


def test_a_record_shorter_than_one_window_is_named_with_the_keys_to_change(study, capsys):
    write_record("p1_r1", noise(80))
    assert main(["filter", "--config", "bad.yaml", "--record", "p1_r1"]) == 0
    assert main(["annotate", "--config", "bad.yaml"]) == 0
    capsys.readouterr()
    err = one_line_error(capsys, "window", "--config", "bad.yaml", "--record", "p1_r1")
    assert "p1_r1: the record lasts 80 ms, shorter than one window (50 + 50 ms)" in err
    assert "window.pre_ms" in err
    assert not list((study / "results/bad/windows").glob("p1_r1*"))


def test_records_at_different_rates_need_resampling(study, capsys):
    write_record("p3_r1", noise(2000), fs_hz=500)
    err = one_line_error(capsys, "annotate", "--config", "bad.yaml")
    assert "filter.resample_hz" in err and "p3_r1 at 500 Hz" in err
    assert not (study / "results/bad/events").exists()
    write_yaml(study / "bad.yaml", {**CONFIG, "filter": {"resample_hz": 250}})
    assert main(["annotate", "--config", "bad.yaml"]) == 0


def test_a_corrupt_model_file_is_refused_by_evaluate(study, capsys):
    model_dir = study / "results/bad/model"
    model_dir.mkdir(parents=True)
    (model_dir / "model.keras").write_bytes(b"not a zip file")
    err = one_line_error(capsys, "evaluate", "--config", "bad.yaml")
    assert "model.keras: cannot load the model" in err and "retrain" in err
    assert not (study / "results/bad/metrics.json").exists()


def test_flat_and_missing_stretches_are_marked_unusable_and_short_gaps_interpolated():
    signal = noise()
    signal[1000:1150, 0] = 2.5          # 150 ms saturated
    signal[2000:2003, 1] = np.nan       # 3 missing samples: interpolated
    signal[3000:3200, 1] = np.nan       # 200 ms missing
    settings = {"resample_hz": None, "bandpass_hz": [1.0, 100.0], "order": 2, "notch_hz": None,
                "notch_q": 30, "baseline_ms": None, "envelope_hz": None, "flat_ms": 100}
    done = preprocess(signal, FS_HZ, settings)
    unusable = np.isnan(done.signal)
    assert unusable[1000:1150, 0].all() and unusable[3000:3200, 1].all()
    assert unusable.sum() == 150 + 200 and done.n_interpolated == 3 + 200
    assert not np.isnan(preprocess(signal, FS_HZ, {**settings, "flat_ms": None}).signal).any()


def test_events_on_a_flat_channel_get_no_window_and_are_counted(study, capsys):
    signal = noise()
    signal[1200:2400, :] = 0.0         # lead off for 1.2 s: beats at 1500, 1900 and 2300 ms
    write_record("p2_r1", signal)
    for step in (["filter", "--record", "p2_r1"], ["annotate"], ["window", "--record", "p2_r1"]):
        assert main([step[0], "--config", "bad.yaml", *step[1:]]) == 0
    assert "dropped 3 events whose window touches missing or flat signal" in capsys.readouterr().out
    dropped = json.loads((study / "results/bad/windows/p2_r1.dropped.json").read_text())
    assert dropped == {"events": 9, "edge": 0, "unusable": 3}
    assert np.load(study / "results/bad/windows/p2_r1.npy").shape[0] == 6


def test_a_train_split_without_some_class_is_named_before_training(study, capsys):
    for patient in (0, 1):  # the two training patients have normal beats only
        write_record(f"p{patient}_r1", noise())
        wfdb.wrann(f"p{patient}_r1", "atr", np.arange(300, 3700, 400), ["N"] * 9, write_dir="data")
    split = {"method": "records", "records": {"train": ["p0_r1", "p1_r1"], "val": ["p2_r1"],
                                              "test": ["p3_r1", "p4_r1"]}}
    write_yaml(study / "bad.yaml", {**CONFIG, "split": split})
    steps = [["annotate"], ["split"], *(["filter", "--record", f"p{p}_r1"] for p in range(5)),
             *(["window", "--record", f"p{p}_r1"] for p in range(5))]
    for step in steps:
        assert main([step[0], "--config", "bad.yaml", *step[1:]]) == 0
    err = one_line_error(capsys, "train", "--config", "bad.yaml")
    assert "the train split has no windows of class(es) ['ventricular']" in err
    assert "split.seed" in err
    assert not (study / "results/bad/model/model.keras").exists()


def test_the_per_record_steps_read_and_write_the_paths_a_rule_names(study):
    """Snakemake passes each rule's named input and output files; nothing lands in results/."""
    io = study / "io"
    assert main(["filter", "--config", "bad.yaml", "--record", "p1_r1", "--out", str(io / "f.npy")]) == 0
    assert main(["annotate", "--config", "bad.yaml"]) == 0
    assert main(["window", "--config", "bad.yaml", "--record", "p1_r1", "--filtered", str(io / "f.npy"),
                 "--events", "results/bad/events/p1_r1.csv", "--windows", str(io / "w.npy"),
                 "--index", str(io / "w.csv"), "--dropped", str(io / "d.json")]) == 0
    assert sorted(p.name for p in io.iterdir()) == ["d.json", "f.npy", "w.csv", "w.npy"]
    assert not (study / "results/bad/filtered").exists() and not (study / "results/bad/windows").exists()
    assert json.loads((io / "d.json").read_text())["events"] == 9


def test_one_job_filters_and_windows_several_records_each_into_its_own_files_and_log(study):
    """A batch job (records_per_job) writes what one job per record would, log included."""
    records = ["p1_r1", "p2_r1", "p3_r1"]
    logs = [str(study / "logs" / step / f"{r}.log") for step in ("filter", "window") for r in records]
    assert main(["filter", "--config", "bad.yaml", "--record", *records, "--log", *logs[:3]]) == 0
    assert main(["annotate", "--config", "bad.yaml"]) == 0
    assert main(["window", "--config", "bad.yaml", "--record", *records, "--log", *logs[3:]]) == 0
    for record in records:
        assert np.load(study / f"results/bad/windows/{record}.npy").shape[0] == 9
        assert (study / f"logs/filter/{record}.log").read_text().startswith(f"filter: {record}: 4000 samples")
        assert (study / f"logs/window/{record}.log").read_text() == f"window: {record}: 9 windows\n"


def test_a_failing_record_of_a_batch_is_named_in_its_log_and_the_job_fails(study, capsys):
    (study / "data/p2_r1.dat").write_bytes(b"\0" * 10)  # truncated signal file
    logs = [str(study / f"{r}.log") for r in ("p1_r1", "p2_r1")]
    err = one_line_error(capsys, "filter", "--config", "bad.yaml", "--record", "p1_r1", "p2_r1",
                         "--log", *logs)
    assert "p2_r1.dat" in err
    assert (study / "p2_r1.log").read_text().startswith("error: p2_r1: ")
    assert not (study / "results/bad/filtered/p2_r1.npy").exists()


def test_a_batch_with_a_path_missing_for_some_record_is_refused(study, capsys):
    err = one_line_error(capsys, "filter", "--config", "bad.yaml", "--record", "p1_r1", "p2_r1",
                         "--out", "one.npy")
    assert err == ("signalrnn filter: error: --out names 1 paths for 2 records; give one per --record, "
                   "in the same order")
