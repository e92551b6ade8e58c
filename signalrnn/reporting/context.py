"""Everything the report template shows, gathered from the workflow's outputs in one mapping."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from markupsafe import Markup

from signalrnn.data.simulate import TRUTH_FILE
from signalrnn.evaluation.maps import held_out_map_scores, held_out_maps
from signalrnn.evaluation.real_recordings import headline
from signalrnn.io.layout import Layout, snr_label
from signalrnn.model.select import selected_config
from signalrnn.reporting.prose import methods_table, summary_lead, summary_points
from signalrnn.reporting.tables import (
    amplitude_units,
    calibration_table,
    data_table,
    dropped_events,
    fingerprint_table,
    fold_table,
    members_table,
    overall_table,
    per_class_table,
    screening_table,
    stacking_table,
    sweep_results,
)


def tune_table(layout: Layout) -> pd.DataFrame | None:
    """The hyperparameter search's trials, the selected one marked; None without a search."""
    if not layout.tune_table.is_file():
        return None
    table = pd.read_csv(layout.tune_table).drop(columns="run_id")
    table["selected"] = table["selected"].map({True: "selected", False: ""})
    return table


def sweep_with_labels(config: dict, layout: Layout) -> pd.DataFrame | None:
    """The SNR sweep's table, each level written as in file names (``7.5``, not ``7.500``); None
    without a sweep."""
    table = sweep_results(config, layout)
    if table is None:
        return None
    return table.assign(**{"SNR (dB)": table["SNR (dB)"].map(snr_label)})


def held_out_record_maps(config: dict, layout: Layout) -> dict | None:
    """The test records' estimated and true maps (``evaluation.maps.held_out_maps``); None for
    recorded (not simulated) data, and for bipolar montages, whose channels are not the array's
    electrodes that the truth maps."""
    truth_file = Path(config["data_dir"]) / TRUTH_FILE
    sim = config["simulate"]
    if not sim["enabled"] or sim["montage"] != "unipolar" or not truth_file.is_file():
        return None
    predictions = pd.read_csv(layout.predictions, dtype={"record": str, "patient": str, "channel": str})
    return held_out_maps(config, predictions, pd.read_csv(truth_file)) or None


def map_scores(config: dict, layout: Layout) -> pd.DataFrame | None:
    """The test records' maps scored against the simulator's truth (docs/maps.md); None without
    them (:func:`held_out_record_maps`)."""
    maps = held_out_record_maps(config, layout)
    if maps is None:
        return None
    return held_out_map_scores(config, maps).drop(columns=["median_abs_lat_error_ms"])


def example_map_record(scores: pd.DataFrame) -> str:
    """The test record shown as truth against estimate: the one whose true line of block and true
    zone of fractionation are both largest (the larger of their smaller sizes; first on ties)."""
    return str(scores.loc[np.minimum(scores["true_line_electrodes"], scores["true_zone_electrodes"]).idxmax(),
                          "record"])


def real_recordings(config: dict, layout: Layout) -> dict | None:
    """The sim-to-real check's summary and tables, as the report shows them; None when it is off."""
    if not config["real_recordings"]["enabled"]:
        return None
    summary = json.loads(layout.real_summary.read_text())
    patients = pd.read_csv(layout.real_table("patients"), dtype={"patient": str}, keep_default_na=False)
    shares = [c for c in patients.columns if c.startswith("share_")]
    patients = patients.rename(columns={c: c.removeprefix("share_").replace("_", " ") for c in shares})
    patients = patients.rename(columns={"rate_within_tolerance":
                                        f"channels within ±{summary['rate_tolerance']:.0%} of DF"})
    correlations = pd.DataFrame([{"index": name, "Spearman rho": value["rho"], "segments": value["n"],
                                  "sign if the model agrees": value["expected"]}
                                 for name, value in summary["correlations"].items()])
    groups = pd.DataFrame([{"group": name, "patients": ", ".join(map(str, value["patients"])),
                            **{key.replace("_", " "): v for key, v in value.items() if key != "patients"}}
                           for name, value in summary["groups"].items()])
    return {"summary": summary, "headline": headline(summary), "patients": patients,
            "correlations": correlations, "groups": groups}


def report_context(config: dict, layout: Layout) -> dict:
    """The template's variables; figures and evaluation outputs must exist."""
    metrics = json.loads(layout.metrics.read_text())
    data = data_table(config, layout)
    per_patient = pd.read_csv(layout.table("per_patient"), dtype={"patient": str})
    provenance = json.loads(layout.provenance.read_text())
    hidden_states = layout.figure("hidden_states")
    scores = map_scores(config, layout)
    return {
        "config": config,
        "layout": layout,
        "metrics": metrics,
        "summary_lead": summary_lead(config, metrics, data),
        "summary_points": [Markup(point) for point in summary_points(metrics, per_patient)],
        "data": data,
        "dropped": dropped_events(config, layout),
        "units": amplitude_units(config),
        "methods": methods_table(selected_config(config, layout), metrics.get("baseline_rule")),
        "tune": tune_table(layout),
        "scope": "test folds pooled" if "folds" in metrics else "test split",
        "overall": overall_table(metrics),
        "per_class": per_class_table(metrics),
        "folds": fold_table(metrics) if "folds" in metrics else None,
        "members": members_table(config, layout) if config["companion"]["enabled"] else None,
        "stacking": stacking_table(layout) if config["companion"]["enabled"] else None,
        "screening": screening_table(layout) if config["companion"]["enabled"] else None,
        "operating_points": pd.read_csv(layout.table("operating_points")).drop(columns="threshold"),
        "calibration": calibration_table(metrics["calibration"]),
        "per_patient": per_patient,
        "per_record": pd.read_csv(layout.table("per_record")),
        # Absent for pooled folds, whose windows went through different models.
        "hidden_states": hidden_states if hidden_states.is_file() else None,
        "sweep": sweep_with_labels(config, layout),
        "map_scores": scores,
        "map_example": None if scores is None else example_map_record(scores),
        "real": real_recordings(config, layout),
        "provenance": provenance,
        "generated_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "packages": pd.DataFrame(provenance["packages"].items(), columns=["package", "version"]),
        "fingerprints": fingerprint_table(provenance["data_fingerprints"]),
        "config_yaml": yaml.safe_dump(config, sort_keys=False),
    }
