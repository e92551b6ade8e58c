"""configs/iafdb-transfer.yaml: synthetic catheter bipoles shaped like IAFDB's intracardiac channels."""

import wfdb

from signalrnn.config.load import load_config
from signalrnn.data.simulate import montage_channel_names
from tests.helpers import ROOT

IAFDB_BIPOLES = ["CS12", "CS34", "CS56", "CS78", "CS90"]


def test_the_transfer_config_trains_on_synthetic_catheter_bipoles_only(monkeypatch):
    monkeypatch.setenv("SIGNALRNN_DATA", "/data/physionet")
    config = load_config(ROOT / "configs/iafdb-transfer.yaml")
    sim = config["simulate"]
    assert sim["enabled"] and sim["montage"] == "catheter" and sim["background_dir"] is None
    assert montage_channel_names(sim) == IAFDB_BIPOLES and sim["fs_hz"] == 1000
    assert config["physionet_db"] is None and config["records"] is None  # nothing real to train on


def test_it_predicts_every_iafdb_record_and_checks_them_against_their_own_signals(monkeypatch):
    monkeypatch.setenv("SIGNALRNN_DATA", "/data/physionet")
    config = load_config(ROOT / "configs/iafdb-transfer.yaml")
    assert config["predict"]["records_dir"] == "/data/physionet/iafdb"
    assert config["predict"]["records"] is None  # every record of the folder
    assert config["predict"]["events"] == config["events"]["detector"] == "bipolar"
    assert config["real_recordings"]["enabled"]


def test_its_records_have_iafdbs_rate_and_intracardiac_channel_names(real_data):
    sim = load_config(ROOT / "configs/iafdb-transfer.yaml")["simulate"]
    for header in sorted((real_data / "iafdb").glob("*.hea")):
        record = wfdb.rdheader(str(header.with_suffix("")))
        assert record.fs == sim["fs_hz"], header.name
        assert [name for name in record.sig_name if name.startswith("CS")] == montage_channel_names(sim)
