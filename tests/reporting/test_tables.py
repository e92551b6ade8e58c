"""The report names the records that lost events on missing or flat signal, sums the events that
fell off the records' ends in one line, and says in which units amplitudes are shown."""

import json

import numpy as np
import wfdb

from signalrnn.config.load import load_config
from signalrnn.io.layout import Layout
from signalrnn.reporting.tables import amplitude_units, dropped_events
from tests.helpers import ROOT


def test_only_records_with_events_on_missing_signal_get_a_row(tmp_path):
    config = load_config(ROOT / "configs" / "tiny.yaml")
    drops = {"100": (1, 0), "101": (2, 0), "102": (0, 0), "108": (7, 0), "203": (1, 12)}
    config["records"] = list(drops)
    layout = Layout.of(config["name"], tmp_path)
    layout.windows_dir.mkdir(parents=True)
    for record, (edge, unusable) in drops.items():
        layout.window_drops(record).write_text(
            json.dumps({"events": 2000, "edge": edge, "unusable": unusable}))

    dropped = dropped_events(config, layout)

    assert dropped.table.to_dict("records") == [
        {"record": "203", "events": 2000, "on missing or flat signal": 12, "too near the record's ends": 1}]
    assert (dropped.edge_records, dropped.edge_events) == (4, 11)


def test_the_amplitude_units_come_from_the_headers_and_say_when_they_are_no_voltage(tmp_path):
    signal = np.zeros((100, 2))
    for record, units in (("iaf1_ivc", ["NU", "NU"]), ("100", ["mV", "mV"])):
        wfdb.wrsamp(record, fs=1000, units=units, sig_name=["a", "b"], p_signal=signal,
                    fmt=["16", "16"], write_dir=str(tmp_path))
    config = load_config(ROOT / "configs" / "tiny.yaml")
    config.update(records=["iaf1_ivc", "100"], data_dir=str(tmp_path))

    units = amplitude_units(config)

    assert units.to_dict("records") == [{"units": "NU", "records": ["iaf1_ivc"], "voltage": False},
                                        {"units": "mV", "records": ["100"], "voltage": True}]
