"""The data steps read the files their rules name and write theirs whole: filter, window, split."""

import json

import numpy as np
import pandas as pd
import wfdb

from signalrnn.preprocessing.steps import filter_record, split_records, window_record_files


def write_record(folder, name="p01_r1", fs_hz=1000, seconds=2):
    t = np.arange(int(fs_hz * seconds)) / fs_hz
    signal = np.stack([np.sin(2 * np.pi * 5 * t), np.cos(2 * np.pi * 5 * t)], axis=1)
    wfdb.wrsamp(name, fs=fs_hz, units=["mV", "mV"], sig_name=["A01", "A02"], p_signal=signal,
                fmt=["16", "16"], write_dir=str(folder))


def test_filtering_writes_the_windowed_channels_whole_and_leaves_no_partial_file(tiny_config, tmp_path):
    write_record(tmp_path)
    tiny_config["data_dir"] = str(tmp_path)
    out = tmp_path / "filtered" / "p01_r1.npy"
    filter_record(tiny_config, "p01_r1", out)
    assert np.load(out).shape == (2000, 2)
    assert not list(out.parent.glob("*.partial.npy"))


def test_windowing_writes_windows_their_index_and_the_events_it_dropped(tiny_config, tmp_path):
    write_record(tmp_path)
    tiny_config["data_dir"] = str(tmp_path)
    filtered = tmp_path / "p01_r1.npy"
    np.save(filtered, np.zeros((2000, 2), np.float32))
    events = tmp_path / "events.csv"
    pd.DataFrame({"record": "p01_r1", "patient": "p01", "sample": [10, 500, 1000, 1990],
                  "channel": ["A01", "A02", "A01", "A02"], "label": "single"}).to_csv(events, index=False)
    out = {name: tmp_path / "out" / f"p01_r1.{ext}" for name, ext in
           (("windows", "npy"), ("index", "csv"), ("dropped", "json"))}
    window_record_files(tiny_config, "p01_r1", filtered=filtered, events=events, **out)
    assert np.load(out["windows"]).shape[0] == 2
    assert pd.read_csv(out["index"])["sample"].tolist() == [500, 1000]
    assert json.loads(out["dropped"].read_text()) == {"events": 4, "edge": 2, "unusable": 0}


def test_the_split_leaves_out_records_without_labelled_events_and_keeps_patients_whole(tmp_path, capsys):
    paths = []
    for patient in range(1, 6):
        for record in (1, 2):
            path = tmp_path / f"p{patient:02d}_r{record}.csv"
            labelled = (patient, record) != (5, 2)
            rows = [{"record": path.stem, "patient": f"p{patient:02d}"}] if labelled else []
            pd.DataFrame(rows, columns=["record", "patient"]).to_csv(path, index=False)
            paths.append(path)
    out = tmp_path / "split.csv"
    split_records({"method": "patient", "fractions": {"train": 0.6, "val": 0.2, "test": 0.2}, "seed": 0,
                   "lists": None}, [p.stem for p in paths], paths, out)
    table = pd.read_csv(out)
    assert len(table) == 9 and "p05_r2" not in set(table["record"])
    assert (table.groupby("patient")["split"].nunique() == 1).all()
    assert "left out 1 record(s) without labelled events: ['p05_r2']" in capsys.readouterr().out
