"""Annotation codes map to classes through the config; unknown codes are dropped or rejected."""

import numpy as np
import pandas as pd
import pytest
import wfdb

from signalrnn.cli import main
from signalrnn.config.load import validate_config
from signalrnn.data.annotate import annotated_records, label_codes, rhythm_codes
from signalrnn.errors import SignalrnnError
from tests.helpers import write_yaml

AAMI = {"source": "symbol", "classes": {"N": ["N", "L", "R"], "SVEB": ["A", "S"], "VEB": ["V"]},
        "ignore": ["+", "~"], "unknown": "error", "extension": "atr"}


def annotate_records(config: dict) -> pd.DataFrame:
    """Event table of every record the config uses, in record then sample order."""
    return pd.concat([events for _, events in annotated_records(config)], ignore_index=True)


def test_codes_map_to_their_class_and_ignored_codes_vanish():
    assert label_codes(["N", "L", "A", "V", "+"], AAMI, "x") == ["N", "N", "SVEB", "VEB", None]


def test_unknown_codes_are_rejected_by_default_naming_the_file_and_key():
    with pytest.raises(SignalrnnError, match=r"rec\.atr: .*\['Q'\].*annotation\.classes"):
        label_codes(["N", "Q"], AAMI, "rec.atr")


def test_unknown_codes_can_be_dropped():
    assert label_codes(["N", "Q"], {**AAMI, "unknown": "drop"}, "x") == ["N", None]


def test_a_code_in_two_classes_is_an_error():
    twice = {**AAMI, "classes": {"N": ["N"], "other": ["N", "V"]}}
    with pytest.raises(SignalrnnError, match="'N' is listed under both"):
        label_codes(["N"], twice, "x")


def make_record(folder, name, symbols, aux=None, chans=None):
    """A 2-channel, 10 s, 360 Hz WFDB record with annotations every 360 samples."""
    fs = 360
    wfdb.wrsamp(name, fs=fs, units=["mV", "mV"], sig_name=["MLII", "V1"],
                p_signal=np.zeros((10 * fs, 2)), fmt=["16", "16"], write_dir=str(folder))
    samples = np.arange(1, len(symbols) + 1) * 360
    wfdb.wrann(name, "atr", samples, symbol=symbols, aux_note=aux, fs=fs, write_dir=str(folder),
               chan=None if chans is None else np.array(chans))


def test_event_table_reads_real_wfdb_files(tmp_path):
    make_record(tmp_path, "100", ["N", "+", "V", "A"], chans=[0, 0, 1, 0])
    make_record(tmp_path, "201", ["N", "N"])
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "annotation": AAMI,
                              "patient_regex": "^(\\d)"})
    events = annotate_records(config)
    assert events["record"].tolist() == ["100", "100", "100", "201", "201"]
    assert events["label"].tolist() == ["N", "VEB", "SVEB", "N", "N"]
    assert events["sample"].tolist() == [360, 1080, 1440, 360, 720]
    assert events["channel"].tolist() == ["MLII", "V1", "MLII", "MLII", "MLII"]
    assert events["patient"].tolist() == ["1", "1", "1", "2", "2"]


def test_the_annotate_step_writes_each_records_events_to_a_file_of_its_own(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_record(tmp_path, "100", ["N", "V"])
    make_record(tmp_path, "101", ["+", "~"])  # no beat: no labelled event
    write_yaml(tmp_path / "c.yaml", {"name": "t", "data_dir": str(tmp_path), "annotation": AAMI})
    assert main(["annotate", "--config", "c.yaml"]) == 0
    events = tmp_path / "results/t/events"
    assert pd.read_csv(events / "100.csv")["label"].tolist() == ["N", "VEB"]
    assert pd.read_csv(events / "101.csv").empty  # written all the same: its window job reads it


def test_aux_notes_can_carry_the_class(tmp_path):
    make_record(tmp_path, "r1", ["p", "p"], aux=["single", "fractionated"])
    annotation = {"source": "aux_note",
                  "classes": {"single": ["single"], "fractionated": ["fractionated"]}}
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "annotation": annotation})
    assert annotate_records(config)["label"].tolist() == ["single", "fractionated"]


def test_a_missing_annotation_file_is_named(tmp_path):
    make_record(tmp_path, "r1", ["N"])
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "records": ["r1"],
                              "annotation": {**AAMI, "extension": "qrs"}})
    with pytest.raises(SignalrnnError, match=r"r1\.qrs: annotation file not found"):
        annotate_records(config)


def write_rhythm_record(folder, name, changes):
    """A 10 s, 360 Hz record whose rhythm annotations ('+' with aux notes) are ``changes``."""
    wfdb.wrsamp(name, fs=360, units=["mV"], sig_name=["CS12"], p_signal=np.zeros((3600, 1)),
                fmt=["16"], write_dir=str(folder))
    samples, notes = zip(*changes, strict=True)
    wfdb.wrann(name, "atr", np.array(samples), symbol=["+"] * len(samples), aux_note=list(notes),
               fs=360, write_dir=str(folder))


RHYTHM = {"source": "rhythm", "classes": {"normal": ["(N"], "AF": ["(AFIB"]}}
ONE_SECOND_WINDOWS = {"pre_ms": 0, "post_ms": 1000, "channels": "all"}


def test_rhythm_holds_until_the_next_change_and_straddling_windows_are_dropped(tmp_path):
    write_rhythm_record(tmp_path, "r1", [(0, "(N"), (1800, "(AFIB")])
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "annotation": RHYTHM,
                              "events": {"source": "sliding", "step_ms": 500},
                              "window": ONE_SECOND_WINDOWS})
    events = annotate_records(config)
    # 1 s windows every 0.5 s: [0, 360) ... [1440, 1800) are normal, [1620, 1980) straddles the
    # change at 1800 and is dropped, [1800, 2160) ... [3240, 3600) are AF.
    assert events.loc[events["label"] == "normal", "sample"].tolist() == list(range(0, 1441, 180))
    assert events.loc[events["label"] == "AF", "sample"].tolist() == list(range(1800, 3241, 180))
    assert 1620 not in events["sample"].tolist()


def test_windows_before_the_first_rhythm_note_have_no_rhythm():
    codes = rhythm_codes(np.array([0, 100, 200]), 0, 50, np.array([120]), ["(AFIB"])
    assert codes == [None, None, "(AFIB"]


def test_the_aux_note_rhythm_codes_go_through_the_class_map(tmp_path):
    write_rhythm_record(tmp_path, "r1", [(0, "(N"), (1800, "(VT")])
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "annotation": RHYTHM,
                              "events": {"source": "sliding", "step_ms": 500},
                              "window": ONE_SECOND_WINDOWS})
    with pytest.raises(SignalrnnError, match=r"r1\.atr: annotation codes \['\(VT'\]"):
        annotate_records(config)


def write_plain_record(folder, name, comments=()):
    wfdb.wrsamp(name, fs=100, units=["mV", "mV"], sig_name=["II", "CS12"],
                p_signal=np.zeros((1000, 2)), fmt=["16", "16"], comments=list(comments),
                write_dir=str(folder))


DIAGNOSIS = {"source": "header", "header_pattern": "<diagnosis>: (.*)",
             "classes": {"AF": ["Atrial Fibrillation"], "flutter": ["Atrial Flutter"]},
             "ignore": ["Atrial Fib/Flutter"]}
TWO_SECOND_WINDOWS = {"pre_ms": 0, "post_ms": 2000, "channels": ["CS12"]}


def test_header_comments_label_every_window_of_a_record(tmp_path):
    write_plain_record(tmp_path, "iaf1_svc", ["<age>: 81 <sex>: F <diagnosis>: Atrial Fibrillation"])
    write_plain_record(tmp_path, "iaf5_svc", ["<age>: 76 <sex>: M <diagnosis>: Atrial Flutter",
                                              "Note: signals are uncalibrated"])
    write_plain_record(tmp_path, "iaf7_svc", ["<age>: 79 <sex>: F <diagnosis>: Atrial Fib/Flutter"])
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "annotation": DIAGNOSIS,
                              "patient_regex": "^iaf(\\d+)_",
                              "events": {"source": "sliding", "step_ms": 2000},
                              "window": TWO_SECOND_WINDOWS})
    events = annotate_records(config)
    # 10 s records, 2 s windows every 2 s: five each; the ignored diagnosis gives none
    assert events.groupby("record")["label"].agg(list).to_dict() == {
        "iaf1_svc": ["AF"] * 5, "iaf5_svc": ["flutter"] * 5}
    assert events["patient"].unique().tolist() == ["1", "5"]
    assert events["code"].iat[0] == "Atrial Fibrillation"


def test_a_header_without_the_pattern_is_named(tmp_path):
    write_plain_record(tmp_path, "r1", ["recorded in 2007"])
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "annotation": DIAGNOSIS,
                              "events": {"source": "sliding"}, "window": TWO_SECOND_WINDOWS})
    with pytest.raises(SignalrnnError, match=r"r1\.hea: no header comment matches"):
        annotate_records(config)


def test_a_csv_table_labels_records(tmp_path):
    for name in ("a01", "a02"):
        write_plain_record(tmp_path, name)
    table = tmp_path / "labels.csv"
    table.write_text("record,label\na01,AF\na02,normal\n")
    annotation = {"source": "table", "table": str(table),
                  "classes": {"AF": ["AF"], "normal": ["normal"]}}
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "annotation": annotation,
                              "events": {"source": "sliding", "step_ms": 5000},
                              "window": TWO_SECOND_WINDOWS})
    events = annotate_records(config)
    assert events[["record", "sample", "label"]].values.tolist() == [
        ["a01", 0, "AF"], ["a01", 500, "AF"], ["a02", 0, "normal"], ["a02", 500, "normal"]]


def test_a_record_missing_from_the_table_is_named(tmp_path):
    write_plain_record(tmp_path, "a01")
    table = tmp_path / "labels.csv"
    table.write_text("record,label\na02,AF\n")
    annotation = {"source": "table", "table": str(table), "classes": {"AF": ["AF"], "x": ["x"]}}
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "annotation": annotation,
                              "events": {"source": "sliding"}, "window": TWO_SECOND_WINDOWS})
    with pytest.raises(SignalrnnError, match=r"labels\.csv: no row for record 'a01'"):
        annotate_records(config)


def test_qrs_events_label_detected_beats_of_a_real_record(real_data, tmp_path):
    source = wfdb.rdrecord(str(real_data / "mitdb-ds1" / "119"), sampto=360 * 20, physical=False)
    source.comments = ["<diagnosis>: ventricular bigeminy"]
    source.wrsamp(write_dir=str(tmp_path))
    annotation = {"source": "header", "header_pattern": "<diagnosis>: (.*)",
                  "classes": {"bigeminy": ["ventricular bigeminy"], "normal": ["normal"]}}
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "annotation": annotation,
                              "events": {"source": "qrs", "qrs_channel": "MLII"},
                              "window": {"channels": "annotated"}})
    events = annotate_records(config)
    beats = wfdb.rdann(str(real_data / "mitdb-ds1" / "119"), "atr", sampto=360 * 20)
    n_beats = sum(s in {"N", "V"} for s in beats.symbol)
    assert abs(len(events) - n_beats) <= 2
    assert set(events["label"]) == {"bigeminy"} and set(events["channel"]) == {"MLII"}


def test_a_record_without_rhythm_notes_takes_its_rhythm_from_its_header(tmp_path):
    # CPSC 2021: AF records carry rhythm notes; non-AF records only the header comment
    write_rhythm_record(tmp_path, "af1", [(0, "(AFIB")])
    write_plain_record(tmp_path, "sinus1", comments=["non atrial fibrillation"])
    wfdb.wrann("sinus1", "atr", np.array([100]), symbol=["N"], fs=100, write_dir=str(tmp_path))
    annotation = {"source": "rhythm", "rhythm_fallback": "header",
                  "header_pattern": "(non atrial fibrillation)",
                  "classes": {"AF": ["(AFIB"], "non-AF": ["non atrial fibrillation"]}}
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "annotation": annotation,
                              "events": {"source": "sliding", "step_ms": 500},
                              "window": ONE_SECOND_WINDOWS})
    events = annotate_records(config)
    assert set(events.loc[events["record"] == "af1", "label"]) == {"AF"}
    assert set(events.loc[events["record"] == "sinus1", "label"]) == {"non-AF"}
    assert (events["record"] == "sinus1").sum() == 19  # 1 s windows every 0.5 s over 10 s


def test_without_a_fallback_a_record_without_rhythm_notes_gives_no_windows(tmp_path):
    write_plain_record(tmp_path, "sinus1", comments=["non atrial fibrillation"])
    wfdb.wrann("sinus1", "atr", np.array([100]), symbol=["N"], fs=100, write_dir=str(tmp_path))
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "annotation": RHYTHM,
                              "events": {"source": "sliding", "step_ms": 500},
                              "window": ONE_SECOND_WINDOWS})
    assert annotate_records(config).empty
