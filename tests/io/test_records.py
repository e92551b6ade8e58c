"""Which records a config uses, and reading the real PhysioNet records and their labels."""

import pytest

from signalrnn.config.load import load_config, validate_config
from signalrnn.data.annotate import header_code
from signalrnn.errors import SignalrnnError
from signalrnn.io import records as records_module
from signalrnn.io.records import (
    read_annotation,
    read_header,
    read_record,
    record_batches,
    record_names,
    require_records,
)
from tests.helpers import ROOT

# de Chazal, O'Dwyer & Reilly, IEEE TBME 51(7), 2004; paced records 102 104 107 217 in neither.
DS1 = ["101", "106", "108", "109", "112", "114", "115", "116", "118", "119", "122", "124", "201",
       "203", "205", "207", "208", "209", "215", "220", "223", "230"]
DS2 = ["100", "103", "105", "111", "113", "117", "121", "123", "200", "202", "210", "212", "213",
       "214", "219", "221", "222", "228", "231", "232", "233", "234"]


@pytest.fixture
def mitdb():
    return load_config(ROOT / "configs" / "mitdb.yaml")


def test_mitdb_trains_and_validates_on_ds1_and_tests_on_ds2(mitdb):
    lists = mitdb["split"]["records"]
    assert sorted(lists["train"] + lists["val"]) == DS1
    assert sorted(lists["test"]) == DS2
    assert not {"102", "104", "107", "217"} & set(record_names(mitdb))


def test_mitdb_cross_validation_uses_ds1_only(mitdb):
    mitdb["split"]["method"] = "kfold"
    assert sorted(record_names(mitdb)) == DS1


@pytest.mark.parametrize(("n_records", "per_job", "sizes"), [
    (22, 16, [11, 11]), (30, 16, [15, 15]), (5, 1, [1] * 5), (3, 16, [3]), (10, 3, [2, 3, 2, 3]),
])
def test_records_go_to_jobs_in_even_batches_in_order(n_records, per_job, sizes):
    names = [f"r{i:03d}" for i in range(n_records)]
    batches = record_batches(names, per_job)
    assert [len(b) for b in batches] == sizes
    assert [r for b in batches for r in b] == names


def test_a_batch_size_below_one_is_named():
    with pytest.raises(SignalrnnError, match="records_per_job is 0; set it to 1 or more"):
        record_batches(["a"], 0)


def test_missing_records_are_named_with_the_way_out(tmp_path):
    (tmp_path / "101.hea").write_text("101 1 360 10\n")
    with pytest.raises(SignalrnnError, match=r"1 of 2 records are missing \(100\).*kfold"):
        require_records(tmp_path, ["100", "101"])


def test_an_empty_data_dir_lists_the_physionet_database(tmp_path, monkeypatch):
    monkeypatch.setattr(records_module.wfdb, "get_record_list", lambda db: [f"{db}_1", f"{db}_2"])
    config = validate_config({"name": "t", "data_dir": str(tmp_path), "physionet_db": "iafdb",
                              "annotation": {"classes": {"a": ["A"], "b": ["B"]}}})
    assert record_names(config) == ["iafdb_1", "iafdb_2"]


def test_real_mitdb_records_read_in_millivolts_with_their_beats(real_data):
    folder = real_data / "mitdb-ds1"
    record = read_record(folder, "114")
    assert record.fs_hz == 360 and record.signal.shape == (650000, 2)
    assert record.channels == ["V5", "MLII"]  # MLII is second in this record only
    assert 0.1 < float(record.signal[:, 1].std()) < 2.0  # millivolts, not ADC counts
    beats = read_annotation(folder, "114", "atr")
    assert len(beats.sample) > 1800 and "V" in beats.symbol


def test_every_iafdb_header_names_a_diagnosis(real_data):
    folder = real_data / "iafdb"
    diagnoses = {}
    for hea in sorted(folder.glob("*.hea")):
        header = read_header(folder, hea.stem)
        assert header.fs == 1000
        assert {"CS12", "CS34", "CS56", "CS78", "CS90"} <= set(header.sig_name)
        patient = hea.stem.split("_")[0]
        diagnoses.setdefault(patient, set()).add(
            header_code(header.comments, "<diagnosis>: (.*)", str(hea)))
    assert all(len(codes) == 1 for codes in diagnoses.values())  # one diagnosis per patient
    assert diagnoses["iaf5"] == {"Atrial Flutter"} and diagnoses["iaf7"] == {"Atrial Fib/Flutter"}
    assert sum(codes == {"Atrial Fibrillation"} for codes in diagnoses.values()) == 5


def test_a_broken_header_is_named(tmp_path):
    (tmp_path / "r1.hea").write_text("r1 this is not a header\n")
    with pytest.raises(SignalrnnError, match=r"r1\.hea: cannot read WFDB header"):
        read_header(tmp_path, "r1")
