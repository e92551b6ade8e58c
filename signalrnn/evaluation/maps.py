"""Maps of a simulated recording scored against the simulator's ground truth.

The truth of a simulated record (``signalrnn.data.simulate``):

- activation times and classes: the record's rows of ``truth.csv`` (true LAT maps by the same
  wavefront grouping as the estimate, :func:`signalrnn.mapping.maps_by_wavefront`);
- the true line of block: the electrodes whose expected share of double potentials (the
  patient's ``block_probability`` x a Gaussian of the distance to its block line) reaches
  ``line_share``;
- the true zone of fractionation: the electrodes whose expected share of fractionated
  potentials reaches ``zone_share``. Expected shares, not the record's own counts: a zone is
  a property of the patient, the count a sample of it.

Scores (:func:`score_maps`): median |activation time error| (ms) over the matched maps
(:func:`signalrnn.mapping.match_maps`); Dice of the estimated against the true block line, once
for the electrodes marked by their share of double potentials and once for those that touch a
LAT difference >= 12 ms in at least ``line_share`` of their maps; Dice of the fractionation-prone
electrodes against the true zone; and the median per-electrode |error| of the fractionated share
against the record's true share, over all electrodes and over the true zone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from signalrnn.data.simulate import (
    channel_names,
    electrode_positions_mm,
    patient_profile,
    record_numbers,
    zone_probabilities,
)
from signalrnn.errors import SignalrnnError
from signalrnn.mapping.geometry import ElectrodeLayout
from signalrnn.mapping.maps import FRACTIONATED, RecordingMaps, recording_maps
from signalrnn.mapping.scores import dice, match_maps, median_absolute_error_ms

SCORES = ("median_abs_lat_error_ms", "matched_maps", "line_dice", "lat_block_dice", "zone_dice",
          "median_share_error", "zone_share_error", "true_line_electrodes", "true_zone_electrodes")


def true_potentials(truth: pd.DataFrame, record: str, sim: dict) -> pd.DataFrame:
    """The potentials of ``record`` in ``truth.csv`` (channel names as the simulator writes them,
    ``activation_ms``, ``class``)."""
    rows = truth[truth["record"] == record]
    if rows.empty:
        raise SignalrnnError(f"truth.csv: no potential of record {record!r}; give the truth table of "
                             "the folder that simulate wrote the record into")
    names = np.asarray(channel_names(sim["array_shape"]), dtype=object)
    return pd.DataFrame({"channel": names[rows["channel"].to_numpy(int)],
                         "activation_ms": rows["activation_ms"].to_numpy(float),
                         "class": rows["class"].to_numpy(str)})


def expected_shares(sim: dict, record: str) -> tuple[np.ndarray, np.ndarray]:
    """Per electrode of the simulated array, the patient's expected share of double potentials
    (its block line) and of fractionated potentials (its zone)."""
    patient, _ = record_numbers(record)
    positions = electrode_positions_mm(sim["array_shape"], sim["electrode_spacing_mm"])
    return zone_probabilities(patient_profile(sim, patient), positions)


def true_line_and_zone(truth: RecordingMaps, sim: dict, record: str) -> tuple[np.ndarray, np.ndarray]:
    """(electrodes,) bool masks of the patient's true line of block and true zone of fractionation:
    the expected shares (:func:`expected_shares`) reaching ``truth``'s line_share and zone_share."""
    p_double, p_fractionated = expected_shares(sim, record)
    return p_double >= truth.line_share, p_fractionated >= truth.zone_share


def score_maps(estimated: RecordingMaps, truth: RecordingMaps, sim: dict, record: str) -> dict[str, float]:
    """Scores of a recording's estimated maps against its true maps and the patient's true zones.

    Parameters
    ----------
    estimated
        Maps of the classified potentials (e.g. from predict's CSV), over the simulator's array.
    truth
        Maps of the true potentials (:func:`true_potentials`), same layout and settings.
    sim
        The ``simulate`` config section that wrote the record.
    record
        The record name (``p<patient>_r<record>``).

    Returns
    -------
    dict
        ``median_abs_lat_error_ms`` (ms), ``matched_maps`` (estimated maps paired with a true
        one), ``line_dice`` (double-potential marks vs the true line), ``lat_block_dice`` (12 ms
        rule vs the true line), ``zone_dice`` (fractionation-prone vs the true zone),
        ``median_share_error`` (median |estimated - true| fractionated share, over electrodes),
        ``zone_share_error`` (the same over the true zone only: outside it most shares are 0 in
        both, which pulls the median over all electrodes towards 0; NaN without a zone), and
        the sizes of the true line and zone (electrodes): a Dice over a zone of one or two
        electrodes is 0 or 1 by chance.
    """
    if estimated.layout.channels != truth.layout.channels:
        raise SignalrnnError("score_maps: the estimate and the truth must share one electrode layout")
    if list(truth.layout.channels) != channel_names(sim["array_shape"]):
        raise SignalrnnError(f"score_maps: the layout {truth.layout.source} is not the simulated "
                             f"{sim['array_shape'][0]} x {sim['array_shape'][1]} array of {record}")
    true_line, true_zone = true_line_and_zone(truth, sim, record)
    rows, cols = match_maps(estimated.activation.lat_ms, truth.activation.lat_ms)
    lat_error = median_absolute_error_ms(estimated.activation.lat_ms[rows], truth.activation.lat_ms[cols])
    lat_block = np.nan_to_num(estimated.block.electrode_share, nan=0.0) >= estimated.line_share
    share_error = np.abs(estimated.share_of(FRACTIONATED) - truth.share_of(FRACTIONATED))
    return {
        "median_abs_lat_error_ms": lat_error,
        "matched_maps": int(len(rows)),
        "line_dice": dice(estimated.on_block_line, true_line),
        "lat_block_dice": dice(lat_block, true_line),
        "zone_dice": dice(estimated.fractionation_prone, true_zone),
        "median_share_error": float(np.nanmedian(share_error)) if np.isfinite(share_error).any()
        else float("nan"),
        "zone_share_error": float(np.nanmedian(share_error[true_zone]))
        if np.isfinite(share_error[true_zone]).any() else float("nan"),
        "true_line_electrodes": int(true_line.sum()),
        "true_zone_electrodes": int(true_zone.sum()),
    }


def record_maps(potentials: pd.DataFrame, truth: pd.DataFrame, sim: dict, record: str,
                layout: ElectrodeLayout, settings: dict) -> tuple[RecordingMaps, RecordingMaps]:
    """The estimated and the true maps of one simulated record, over ``layout``.

    ``settings`` is the config's ``mapping`` section; ``potentials`` has the columns channel,
    activation_ms and class.
    """
    options = {key: settings[key] for key in ("link_ms", "block_ms", "adjacent_mm", "velocity_radius_mm",
                                              "zone_share", "line_share")}
    classes = sorted(set(truth["class"]))
    estimated = recording_maps(potentials, layout, classes, source=f"{record} estimate", **options)
    true_maps = recording_maps(true_potentials(truth, record, sim), layout, classes,
                               source=f"{record} truth", **options)
    return estimated, true_maps


def score_record(potentials: pd.DataFrame, truth: pd.DataFrame, sim: dict, record: str,
                 layout: ElectrodeLayout, settings: dict) -> dict[str, float]:
    """:func:`score_maps` of one record from its estimated potentials and ``truth.csv``
    (arguments as :func:`record_maps`)."""
    return score_maps(*record_maps(potentials, truth, sim, record, layout, settings), sim, record)


def held_out_maps(config: dict, predictions: pd.DataFrame,
                  truth: pd.DataFrame) -> dict[str, tuple[RecordingMaps, RecordingMaps]]:
    """:func:`record_maps` of every test record of a simulated experiment, from the evaluation's
    window predictions.

    Each test window is one potential at its annotated event (the true activation time, so the
    LAT error is 0 by construction) with the model's class. Windows that the window step dropped
    (too near either end of the record, or on unusable signal) are missing from the estimate.

    Parameters
    ----------
    config
        The experiment's config (``simulate`` and ``mapping`` sections).
    predictions
        predictions.csv of the evaluation: ``record``, ``sample``, ``channel``, ``predicted``.
    truth
        The simulator's truth.csv.

    Returns
    -------
    dict
        Record name -> (estimated maps, true maps), records in sorted order.
    """
    sim = config["simulate"]
    layout = ElectrodeLayout.regular(*sim["array_shape"], sim["electrode_spacing_mm"])
    maps = {}
    for record, part in predictions.groupby("record", sort=True):
        potentials = pd.DataFrame({"channel": part["channel"].astype(str),
                                   "activation_ms": part["sample"].to_numpy(float) * 1000.0 / sim["fs_hz"],
                                   "class": part["predicted"].astype(str)})
        maps[str(record)] = record_maps(potentials, truth, sim, str(record), layout, config["mapping"])
    return maps


def held_out_map_scores(config: dict, maps: dict[str, tuple[RecordingMaps, RecordingMaps]]) -> pd.DataFrame:
    """:func:`score_maps` of every record of :func:`held_out_maps`: one row per record, ``record``
    and every score of :data:`SCORES`."""
    rows = [{"record": record, **score_maps(estimated, true_maps, config["simulate"], record)}
            for record, (estimated, true_maps) in maps.items()]
    return pd.DataFrame(rows, columns=["record", *SCORES])
