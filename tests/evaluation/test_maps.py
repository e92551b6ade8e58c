"""Maps of a simulated record scored against its truth: errors that are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signalrnn.config.load import load_config, validate_config
from signalrnn.data.simulate import TRUTH_FILE, channel_names, simulate_dataset
from signalrnn.errors import SignalrnnError
from signalrnn.evaluation.maps import (
    expected_shares,
    held_out_map_scores,
    held_out_maps,
    score_record,
    true_potentials,
)
from signalrnn.mapping import ElectrodeLayout
from tests.helpers import ROOT

ARRAY = [6, 6]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    """Three patients on a 6 x 6 array, 10 s each, and their truth table."""
    tiny = load_config(ROOT / "configs" / "tiny.yaml")
    config = validate_config({**tiny, "simulate": {**tiny["simulate"], "seed": 11, "n_patients": 3,
                                                   "duration_s": 10, "array_shape": ARRAY}})
    folder = tmp_path_factory.mktemp("sim")
    simulate_dataset(config["simulate"], folder)
    return config, pd.read_csv(folder / TRUTH_FILE)


def record_with_a_zone(config, truth) -> str:
    for record in sorted(truth["record"].unique()):
        if (expected_shares(config["simulate"], record)[1] >= config["mapping"]["zone_share"]).any():
            return record
    pytest.skip("no simulated patient has a fractionation zone")


def score(config, truth, record, potentials):
    layout = ElectrodeLayout.regular(*ARRAY, config["simulate"]["electrode_spacing_mm"])
    return score_record(potentials, truth, config["simulate"], record, layout, config["mapping"])


def test_the_truth_scored_against_itself_has_no_lat_or_share_error(simulated):
    config, truth = simulated
    record = record_with_a_zone(config, truth)
    scores = score(config, truth, record, true_potentials(truth, record, config["simulate"]))
    assert scores["median_abs_lat_error_ms"] == 0.0
    assert scores["median_share_error"] == 0.0
    assert scores["matched_maps"] > 10 * 1000 / 250 - 2  # about one map per cycle of at most 250 ms


def test_lats_late_by_3_ms_have_a_median_error_of_3_ms(simulated):
    config, truth = simulated
    record = record_with_a_zone(config, truth)
    late = true_potentials(truth, record, config["simulate"])
    late["activation_ms"] += 3.0
    assert score(config, truth, record, late)["median_abs_lat_error_ms"] == pytest.approx(3.0)


def test_calling_every_potential_single_misses_the_whole_zone(simulated):
    config, truth = simulated
    record = record_with_a_zone(config, truth)
    potentials = true_potentials(truth, record, config["simulate"])
    true_share = potentials.groupby("channel")["class"].apply(lambda c: (c == "fractionated").mean())
    scores = score(config, truth, record, potentials.assign(**{"class": "single"}))
    assert scores["zone_dice"] == 0.0
    assert scores["line_dice"] in (0.0, 1.0)  # 0 against a true line, 1 where neither has one
    assert scores["median_share_error"] == pytest.approx(true_share.median())


def test_the_true_classes_find_the_true_zone(simulated):
    config, truth = simulated
    record = record_with_a_zone(config, truth)
    scores = score(config, truth, record, true_potentials(truth, record, config["simulate"]))
    assert scores["zone_dice"] >= 0.5


def test_a_layout_other_than_the_simulated_array_is_refused(simulated):
    config, truth = simulated
    record = record_with_a_zone(config, truth)
    potentials = true_potentials(truth, record, config["simulate"])
    array = ElectrodeLayout.regular(*ARRAY, 2.0)
    layout = ElectrodeLayout(array.channels[::-1], array.positions_mm[::-1], source="reordered.csv")
    with pytest.raises(SignalrnnError, match="reordered.csv"):
        score_record(potentials, truth, config["simulate"], record, layout, config["mapping"])


def test_held_out_windows_with_their_true_classes_score_as_the_truth_itself(simulated):
    config, truth = simulated
    records = sorted(truth["record"].unique())[:2]
    rows = truth[truth["record"].isin(records)]
    names = np.asarray(channel_names(ARRAY), dtype=object)
    predictions = pd.DataFrame({"record": rows["record"], "sample": rows["sample"],
                                "channel": names[rows["channel"].to_numpy()], "predicted": rows["class"]})
    scores = held_out_map_scores(config, held_out_maps(config, predictions, truth))
    assert list(scores["record"]) == records
    for _, row in scores.iterrows():
        own = score(config, truth, row["record"], true_potentials(truth, row["record"], config["simulate"]))
        assert row["zone_dice"] == own["zone_dice"] and row["line_dice"] == own["line_dice"]
        assert row["median_abs_lat_error_ms"] <= 0.5  # the sample rounds the activation to 1 ms
