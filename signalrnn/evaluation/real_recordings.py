"""The sim-to-real check: what a model trained on simulated electrograms says about real records.

``signalrnn predict`` has classified every potential of the real records (``predict.records_dir``);
this module sets those classes beside what the records themselves show, per channel, per segment
and per patient (config section ``real_recordings``, docs/real-recordings.md):

- per channel: detections per second against the channel's dominant frequency (DF, Hz;
  :func:`signalrnn.measures.dominant_frequency`, Botteron & Smith 1995) and the share of each class;
- per segment of ``segment_s`` seconds of one channel: the fractionated share beside every
  clinical index of :func:`signalrnn.measures.egm_indices` (NavX CFE-mean, CARTO ICL, DF with
  organisation and regularity index, Shannon entropy), with thresholds relative to the noise
  level, since such records are often uncalibrated (IAFDB's headers say so);
- per patient: class shares, and the rhythm read from the header (``rhythm_pattern``).

The rhythm is read for the last step only, the contrast of two rhythm groups
(:func:`signalrnn.evaluation.transfer.contrast_by_patient_bootstrap`); nothing is fitted here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from signalrnn.data.annotate import header_code
from signalrnn.errors import SignalrnnError
from signalrnn.evaluation.transfer import (
    class_shares,
    contrast_by_patient_bootstrap,
    rate_agreement,
    segment_bounds,
    segment_shares,
    spearman,
)
from signalrnn.io.layout import Layout
from signalrnn.io.records import Record, patient_of, predict_record_names, read_record
from signalrnn.io.tables import write_csv
from signalrnn.measures.spectral import dominant_frequency
from signalrnn.measures.summary import egm_indices

TARGET = "fractionated"
#: The clinical indices that the fractionated share is correlated with, and the sign expected
#: when the model's fractionation is the clinicians': a shorter NavX CFE-mean (Stiles et al. 2008;
#: Almeida et al. 2016), more CARTO ICL complexes (Almeida et al. 2016), a less organised spectrum
#: (Everett et al. 2001), a higher amplitude entropy (Ganesan et al. 2013). docs/real-recordings.md.
INDICES = {"cfe_mean_ms": "negative", "icl": "positive", "organisation_index": "negative",
           "entropy_bits": "positive"}


@dataclass(frozen=True)
class RealRecordings:
    """The check's tables and its summary figures (``summary`` is JSON-ready)."""

    channels: pd.DataFrame
    segments: pd.DataFrame
    patients: pd.DataFrame
    summary: dict


def record_rows(record: Record, predicted: pd.DataFrame, classes: list[str],
                segment_s: float) -> tuple[list[dict], list[dict]]:
    """Per-channel and per-segment rows of one real record and its predictions (predict's CSV).

    The channels described are those with at least one classified potential.
    """
    channel_rows, segment_rows = [], []
    seconds = len(record.signal) / record.fs_hz
    for channel in sorted(set(predicted["channel"]), key=record.channels.index):
        egm = np.nan_to_num(np.asarray(record.signal[:, record.channels.index(channel)], dtype=float))
        mine = predicted[predicted["channel"] == channel]
        df_hz = dominant_frequency(egm, record.fs_hz)
        channel_rows.append({"record": record.name, "channel": channel, "duration_s": round(seconds, 3),
                             "potentials": len(mine), "detections_per_s": len(mine) / seconds,
                             "dominant_frequency_hz": df_hz,
                             **{f"share_{c}": v for c, v in class_shares(mine["class"].tolist(),
                                                                         classes).items()}})
        bounds = segment_bounds(len(egm), record.fs_hz, segment_s)
        shares = segment_shares(mine["sample"].tolist(), mine["class"].tolist(), bounds, TARGET)
        for (start, stop), share in zip(bounds, shares, strict=True):
            inside = mine["sample"].between(start, stop - 1)
            indices = egm_indices(egm[start:stop], record.fs_hz).as_dict()
            segment_rows.append({"record": record.name, "channel": channel,
                                 "start_s": start / record.fs_hz, "potentials": int(inside.sum()),
                                 f"share_{TARGET}": share, **indices})
    return channel_rows, segment_rows


def real_records(config: dict, layout: Layout) -> Iterator[tuple[Record, pd.DataFrame]]:
    """Each real record that predict classified (``predict_record_names``), with its predictions."""
    folder = Path(config["predict"]["records_dir"])
    for name in predict_record_names(config):
        table = layout.predicted(name)
        if not table.is_file():
            raise SignalrnnError(f"{table}: no predictions of real record {name}; run predict on it first")
        yield read_record(folder, name), pd.read_csv(table, dtype={"channel": str, "class": str})


def rhythm_of(record: Record, settings: dict, where: str) -> str:
    """The record's rhythm from its header comments (``real_recordings.rhythm_pattern``)."""
    try:
        return header_code(record.comments, settings["rhythm_pattern"], where)
    except SignalrnnError:
        raise SignalrnnError(f"{where}: no header comment matches real_recordings.rhythm_pattern "
                             f"{settings['rhythm_pattern']!r}; fix the pattern") from None


def check_real_recordings(config: dict, layout: Layout, classes: list[str]) -> RealRecordings:
    """The channel, segment and patient tables of every predicted real record, and the summary."""
    settings = config["real_recordings"]
    channel_rows, segment_rows, patient_of_record, rhythms = [], [], {}, {}
    labels_by_patient: dict[str, list[str]] = {}
    for record, predicted in real_records(config, layout):
        where = f"{config['predict']['records_dir']}/{record.name}.hea"
        patient = patient_of(record.name, settings["patient_regex"])
        patient_of_record[record.name] = patient
        rhythms.setdefault(patient, rhythm_of(record, settings, where))
        labels_by_patient.setdefault(patient, []).extend(predicted["class"].tolist())
        channels, segments = record_rows(record, predicted, classes, settings["segment_s"])
        channel_rows += channels
        segment_rows += segments
        print(f"real recordings: {record.name}: {len(predicted)} potentials on {len(channels)} channels",
              flush=True)
    if not channel_rows:
        raise SignalrnnError(f"{layout.predictions_dir}: no potential in any real record's predictions; "
                             "check predict.records_dir and the predict logs")
    channels = pd.DataFrame(channel_rows)
    channels.insert(1, "patient", channels["record"].map(patient_of_record))
    segments = pd.DataFrame(segment_rows)
    segments.insert(1, "patient", segments["record"].map(patient_of_record))
    patients = patient_table(labels_by_patient, rhythms, channels, classes, settings)
    return RealRecordings(channels, segments, patients, summarise(channels, segments, patients, settings))


def detections_within(channels: pd.DataFrame, tolerance: float) -> float:
    """Share of ``channels`` rows whose detections per second are within ``tolerance`` of DF."""
    return rate_agreement(channels["detections_per_s"], channels["dominant_frequency_hz"], tolerance)


def patient_table(labels_by_patient: dict[str, list[str]], rhythms: dict[str, str],
                  channels: pd.DataFrame, classes: list[str], settings: dict) -> pd.DataFrame:
    """One row per patient: rhythm, group, potentials, class shares, detections against DF."""
    group_of = {rhythm: group for group, members in settings["groups"].items() for rhythm in members}
    rows = []
    for patient, labels in labels_by_patient.items():
        rhythm = rhythms[patient]
        shares = {f"share_{c}": v for c, v in class_shares(labels, classes).items()}
        within = detections_within(channels[channels["patient"] == patient], settings["rate_tolerance"])
        rows.append({"patient": patient, "rhythm": rhythm, "group": group_of.get(rhythm, ""),
                     "potentials": len(labels), **shares, "rate_within_tolerance": within})
    return pd.DataFrame(rows)


def summarise(channels: pd.DataFrame, segments: pd.DataFrame, patients: pd.DataFrame,
              settings: dict) -> dict:
    """The check's headline figures: detection rate against DF, correlations, group contrast."""
    share = dict(zip(patients["patient"], patients[f"share_{TARGET}"], strict=True))
    groups = {g: patients.loc[patients["group"] == g, "patient"].tolist() for g in settings["groups"]}
    first, second = groups.values()
    contrast = None
    if first and second:
        contrast = asdict(contrast_by_patient_bootstrap(share, first, second,
                                                        n_resamples=settings["bootstrap_resamples"]))
    ratio = channels["detections_per_s"] / channels["dominant_frequency_hz"]
    fractionated = segments[f"share_{TARGET}"]
    correlations = {index: {**asdict(spearman(fractionated, segments[index])), "expected": sign}
                    for index, sign in INDICES.items()}
    return {
        "channel_recordings": len(channels),
        "rate_within_tolerance": detections_within(channels, settings["rate_tolerance"]),
        "rate_tolerance": settings["rate_tolerance"],
        "rate_ratio_median": float(np.nanmedian(ratio)),
        "segments": len(segments),
        "segment_s": settings["segment_s"],
        "correlations": correlations,
        "groups": {g: {"patients": members,
                       f"median_share_{TARGET}": float(np.median([share[p] for p in members]))
                       if members else float("nan"),
                       f"max_share_{TARGET}": max((share[p] for p in members), default=float("nan"))}
                   for g, members in groups.items()},
        "contrast": contrast,
    }


def headline(summary: dict) -> str:
    """One line of the summary: detections against DF and the group contrast."""
    first, second = summary["groups"]
    contrast = summary["contrast"]
    ratio = ("no contrast (a group has no patient)" if contrast is None else
             f"{first}/{second} median {TARGET} share {contrast['ratio']:.2f} "
             f"(95 % CI {contrast['low']:.2f}-{contrast['high']:.2f})")
    return (f"{summary['rate_within_tolerance']:.1%} of {summary['channel_recordings']} channel-recordings "
            f"within ±{summary['rate_tolerance']:.0%} of DF; {ratio}")


def write_real_recordings(config: dict, layout: Layout, classes: list[str]) -> RealRecordings:
    """Run the check and write its tables (CSV), summary (JSON) and figures (PNG) to ``real/``."""
    from signalrnn.evaluation.figures import real_recordings_figure

    check = check_real_recordings(config, layout, classes)
    layout.real_dir.mkdir(parents=True, exist_ok=True)
    for name in ("channels", "segments", "patients"):
        write_csv(getattr(check, name), layout.real_table(name))
    figure = real_recordings_figure(check.patients, check.channels, check.segments, classes,
                                    config["real_recordings"]["rate_tolerance"])
    figure.savefig(layout.real_figure, dpi=110)
    layout.real_summary.write_text(json.dumps(check.summary, indent=2) + "\n")
    return check
