"""Annotation codes map to classes through the config; unknown codes are dropped or rejected."""

import numpy as np
import pytest
import wfdb

from signalrnn.annotate import annotate_records, label_codes
from signalrnn.config import validate_config
from signalrnn.errors import SignalrnnError

AAMI = {"source": "symbol", "classes": {"N": ["N", "L", "R"], "SVEB": ["A", "S"], "VEB": ["V"]},
        "ignore": ["+", "~"], "unknown": "error", "extension": "atr"}


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
