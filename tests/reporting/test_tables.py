"""The report names the records that lost events on missing or flat signal and sums the events
that fell off the records' ends in one line."""

import json

from signalrnn.config.load import load_config
from signalrnn.io.layout import Layout
from signalrnn.reporting.tables import dropped_events
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
