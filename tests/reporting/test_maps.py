"""``signalrnn map`` on a simulated record whose predictions are its true classes."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from signalrnn.cli import main
from signalrnn.config.load import load_config
from signalrnn.data.simulate import TRUTH_FILE, channel_names, simulate_dataset
from signalrnn.io.layout import Layout
from signalrnn.mapping.geometry import ElectrodeLayout, layout_to_json
from signalrnn.reporting.context import example_map_record, map_scores
from signalrnn.reporting.figures import write_maps_figure
from signalrnn.reporting.maps import FIGURES, TABLES
from tests.helpers import write_yaml

ARRAY = [3, 4]
CLASSES = ("single", "short_double", "long_double", "fractionated")


@pytest.fixture(scope="module")
def mapped(tmp_path_factory):
    """A 3 x 4 array simulated for 6 s; its truth written as predict's CSV; the map command run."""
    root = tmp_path_factory.mktemp("mapped")
    config = write_yaml(root / "config.yaml", {
        "name": "maps", "data_dir": str(root / "data"), "patient_regex": "^(p\\d+)_",
        "simulate": {"enabled": True, "seed": 3, "n_patients": 3, "duration_s": 6, "array_shape": ARRAY},
        "annotation": {"source": "aux_note", "classes": {c: [c] for c in CLASSES}}})
    simulate_dataset(load_config(config)["simulate"], root / "data")
    truth = pd.read_csv(root / "data" / TRUTH_FILE)
    truth = truth[truth["record"] == "p01_r1"]
    names = channel_names(ARRAY)
    predictions = root / "p01_r1.csv"
    pd.DataFrame({"sample": truth["sample"], "time_s": truth["sample"] / 1000.0,
                  "channel": [names[i] for i in truth["channel"]], "class": truth["class"],
                  "p_single": 0.0, "p_short_double": 0.0, "p_long_double": 0.0,
                  "p_fractionated": 0.0}).to_csv(predictions, index=False)
    out = root / "maps" / "p01_r1"
    code = main(["map", "--config", str(config), "--results", str(root / "results"), "--record",
                 str(root / "data" / "p01_r1"), "--predictions", str(predictions), "--out", str(out)])
    assert code == 0
    return {"root": root, "config": config, "out": out, "truth": truth, "predictions": predictions}


def test_the_map_command_writes_every_table_figure_and_the_report(mapped):
    for name in TABLES:
        assert (mapped["out"] / f"{name}.csv").is_file(), name
    for name in FIGURES:
        assert (mapped["out"] / "figures" / f"{name}.png").read_bytes().startswith(b"\x89PNG"), name
    assert (mapped["out"] / "report.html").is_file()


def test_the_electrode_table_holds_every_electrode_with_its_shares_and_indices(mapped):
    table = pd.read_csv(mapped["out"] / "electrodes.csv")
    assert list(table["channel"]) == channel_names(ARRAY)
    shares = table[[f"share_{c}" for c in ("single", "short_double", "long_double", "fractionated")]]
    assert ((shares.sum(axis=1) - 1).abs() <= 4 * 0.5e-4).all()  # four shares rounded to 4 decimals
    assert table["n_potentials"].sum() == len(mapped["truth"])
    assert table["dominant_frequency_hz"].between(2, 12).all()  # cycle lengths 120-250 ms: 4-8 Hz


def test_the_lat_table_has_one_row_per_mapped_activation_in_ms(mapped):
    lat = pd.read_csv(mapped["out"] / "lat.csv")
    truth_ms = set(mapped["truth"]["sample"].astype(float))
    assert set(lat["lat_ms"]) <= truth_ms  # 1 kHz: a sample is a ms
    assert len(lat) >= 0.9 * len(mapped["truth"])


def test_the_report_inlines_its_images_and_loads_nothing_from_the_network(mapped):
    text = (mapped["out"] / "report.html").read_text()
    assert text.count('src="data:image/png;base64,') == len(FIGURES)
    assert not re.search(r'(src|href)="(https?:)?//', text)


def test_a_layout_with_a_channel_the_record_lacks_is_named(mapped, capsys):
    layout = mapped["root"] / "layout.csv"
    rows = [f"{n},{i % 4 * 2},{i // 4 * 2}" for i, n in enumerate(channel_names(ARRAY))] + ["X01,20,20"]
    layout.write_text("channel,x_mm,y_mm\n" + "\n".join(rows) + "\n")
    config = write_yaml(mapped["root"] / "csv.yaml", {
        **yaml.safe_load(mapped["config"].read_text()), "mapping": {"layout_csv": str(layout)}})
    code = main(["map", "--config", str(config), "--record", str(mapped["root"] / "data" / "p01_r1"),
                 "--predictions", str(mapped["predictions"]), "--out", str(mapped["root"] / "csv")])
    assert code == 1
    assert "lacks channel 'X01'" in capsys.readouterr().err


def map_with_model(mapped, tmp_path, meta: dict, config=None) -> pd.DataFrame:
    """electrodes.csv of ``signalrnn map --model`` with a model.json of ``meta``."""
    (tmp_path / "model.json").write_text(json.dumps(meta))
    out = tmp_path / "maps"
    assert main(["map", "--config", str(config or mapped["config"]), "--record",
                 str(mapped["root"] / "data" / "p01_r1"), "--predictions", str(mapped["predictions"]),
                 "--model", str(tmp_path / "model.keras"), "--out", str(out)]) == 0
    return pd.read_csv(out / "electrodes.csv").set_index("channel")


def test_the_map_command_takes_the_layout_the_model_was_trained_on(mapped, tmp_path):
    wide = ElectrodeLayout.regular(*ARRAY, 5.0)  # the config's simulator array is at 2 mm
    electrodes = map_with_model(mapped, tmp_path, {"electrode_layout": layout_to_json(wide)})
    np.testing.assert_allclose(electrodes.loc[list(wide.channels), ["x_mm", "y_mm"]], wide.positions_mm)


def test_the_configs_own_layout_wins_over_the_models(mapped, tmp_path):
    config = write_yaml(tmp_path / "own.yaml", {**yaml.safe_load(mapped["config"].read_text()),
                                                "mapping": {"array_shape": ARRAY, "spacing_mm": 3.0}})
    wide = ElectrodeLayout.regular(*ARRAY, 5.0)
    electrodes = map_with_model(mapped, tmp_path, {"electrode_layout": layout_to_json(wide)}, config)
    assert electrodes["x_mm"].max() == pytest.approx(4.5)  # 4 columns at 3 mm, centred


def test_a_model_json_without_a_layout_maps_the_configs_array_and_says_so(mapped, tmp_path, capsys):
    electrodes = map_with_model(mapped, tmp_path, {"classes": list(CLASSES)})  # an old model.json
    assert "carries no electrode layout; using the regular 3 x 4 array" in capsys.readouterr().out
    assert electrodes["x_mm"].max() == pytest.approx(3.0)  # 4 columns at the simulator's 2 mm


def test_a_models_layout_without_a_channel_of_the_record_is_named(mapped, tmp_path, capsys):
    names = channel_names(ARRAY)[:-1]
    positions = np.column_stack([np.arange(len(names)) * 2.0, np.zeros(len(names))])
    layout = ElectrodeLayout(tuple(names), positions)
    (tmp_path / "model.json").write_text(json.dumps({"electrode_layout": layout_to_json(layout, 2.0, 3.0)}))
    assert main(["map", "--config", str(mapped["config"]), "--record",
                 str(mapped["root"] / "data" / "p01_r1"), "--predictions", str(mapped["predictions"]),
                 "--model", str(tmp_path / "model.json"),
                 "--out", str(tmp_path / "maps")]) == 1
    assert "channel 'C04' is not in the layout" in capsys.readouterr().err


# The report must decode every embedded image; the probe counts them once the page has loaded.
PROBE = """<script>addEventListener("load", () => {
  document.body.dataset.images = document.images.length;
  document.body.dataset.decoded = [...document.images].filter(i => i.naturalWidth > 0).length;
});</script>"""


def test_the_mapping_report_renders_in_chromium_with_every_image_decoded(mapped, chromium, tmp_path):
    report = mapped["out"] / "report.html"
    probed = tmp_path / "probed.html"
    probed.write_text(report.read_text().replace("</body>", f"{PROBE}</body>"))
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", probed.as_uri())
    for section in ("summary", "activation", "shares", "indices"):
        assert f'id="{section}"' in dom
    assert re.search(r'data-decoded="(\d+)"', dom).group(1) == str(len(FIGURES))
    pdf = tmp_path / "report.pdf"
    chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", report.as_uri())
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_evaluation_report_scores_the_test_records_maps_against_the_truth(mapped):
    config = load_config(mapped["config"])
    layout = Layout.of(config["name"], mapped["root"] / "results")
    truth = pd.read_csv(mapped["root"] / "data" / TRUTH_FILE)
    names = channel_names(ARRAY)
    layout.predictions.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"record": truth["record"], "patient": truth["patient"], "sample": truth["sample"],
                  "channel": [names[i] for i in truth["channel"]], "label": truth["class"],
                  "predicted": "single"}).to_csv(layout.predictions, index=False)
    scores = map_scores(config, layout)
    assert sorted(scores["record"]) == sorted(truth["record"].unique())  # one row per record


def test_the_report_draws_the_test_record_with_the_largest_true_line_and_zone():
    scores = pd.DataFrame({"record": ["p01_r1", "p02_r1", "p03_r1"], "true_line_electrodes": [12, 5, 6],
                           "true_zone_electrodes": [1, 5, 4]})
    assert example_map_record(scores) == "p02_r1"  # min 5 beats min 1 and min 4


def test_the_evaluation_report_draws_a_test_record_against_its_truth(mapped):
    config = load_config(mapped["config"])
    layout = Layout.of(config["name"], mapped["root"] / "results")
    truth = pd.read_csv(mapped["root"] / "data" / TRUTH_FILE)
    names = channel_names(ARRAY)
    layout.predictions.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"record": truth["record"], "patient": truth["patient"], "sample": truth["sample"],
                  "channel": [names[i] for i in truth["channel"]], "label": truth["class"],
                  "predicted": truth["class"]}).to_csv(layout.predictions, index=False)
    write_maps_figure(config, layout)
    assert layout.figure("maps_truth").read_bytes().startswith(b"\x89PNG")


def test_recorded_data_gets_no_maps_section(mapped, tmp_path):
    config = {**load_config(mapped["config"]), "data_dir": str(tmp_path)}  # no truth.csv there
    assert map_scores(config, Layout.of("maps", tmp_path)) is None


def test_bipolar_montages_get_no_maps_section(mapped):
    """Their channels (CS12 ..., A01-A02 ...) are not the array's electrodes that the truth maps."""
    config = load_config(mapped["config"])
    config["simulate"]["montage"] = "catheter"
    assert map_scores(config, Layout.of(config["name"], mapped["root"] / "results")) is None
