"""The misclassified windows a clinician should look at, with their raw and filtered traces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from signalrnn.io.layout import Layout
from signalrnn.io.records import output_rate, read_record
from signalrnn.preprocessing.window import window_samples, windowed_channels


@dataclass(frozen=True)
class FailureTrace:
    """One misclassified window in context: ``raw`` on ``time_ms`` and ``filtered`` (at the filter
    step's rate) on ``filtered_time_ms`` (0 = the annotated event), both in the channel's
    ``units`` as its header gives them, the window's span ``window_ms``, the event's time in the
    record ``event_s`` and the prediction table's row."""

    time_ms: np.ndarray
    filtered_time_ms: np.ndarray
    window_ms: tuple[float, float]
    raw: np.ndarray
    filtered: np.ndarray
    channel: str
    units: str
    event_s: float
    row: pd.Series


def select_failures(predictions: pd.DataFrame, n: int) -> pd.DataFrame:
    """Up to ``n`` misclassified windows, most confident first, taking turns over the kinds of
    error (true -> predicted class) so that one frequent confusion does not fill the gallery."""
    errors = predictions[predictions["label"] != predictions["predicted"]]
    errors = errors.sort_values("probability", ascending=False, kind="stable")
    turn = errors.groupby(["label", "predicted"]).cumcount()
    return errors.assign(turn=turn).sort_values(["turn", "probability"], ascending=[True, False],
                                                kind="stable").head(n).drop(columns="turn")


def failure_traces(failures: pd.DataFrame, config: dict, layout: Layout) -> list[FailureTrace]:
    """Raw (read from the WFDB record) and filtered traces of each failure's channel, from one
    window length before to one after the window, so the window is seen in context."""
    traces, records = [], {}
    for _, row in failures.iterrows():
        name = str(row["record"])  # numeric names (MIT-BIH "101") may have been read as numbers
        if name not in records:
            records[name] = read_record(config["data_dir"], name)
        record = records[name]
        windowed = windowed_channels(config["window"]["channels"], record.channels, name)
        channel = row["channel"] if row["channel"] in windowed else windowed[0]
        filtered = np.load(layout.filtered(name), mmap_mode="r")  # columns: the windowed channels
        fs_hz = output_rate(config["filter"], record.fs_hz)
        raw_ms, raw = _around(record.signal[:, record.channels.index(channel)], record.fs_hz,
                              int(row["sample"]), config)
        filtered_ms, filtered = _around(filtered[:, windowed.index(channel)], fs_hz,
                                        round(int(row["sample"]) * fs_hz / record.fs_hz), config)
        traces.append(FailureTrace(
            time_ms=raw_ms, filtered_time_ms=filtered_ms,
            window_ms=(-config["window"]["pre_ms"], config["window"]["post_ms"]),
            raw=raw, filtered=filtered, channel=channel,
            units=record.units[record.channels.index(channel)],
            event_s=int(row["sample"]) / record.fs_hz, row=row,
        ))
    return traces


def _around(trace: np.ndarray, fs_hz: float, centre: int, config: dict) -> tuple[np.ndarray, np.ndarray]:
    """Time (ms from ``centre``) and samples of ``trace`` (at ``fs_hz``) from one window length
    before the window to one after it."""
    n_pre, n_post = window_samples(fs_hz, config["window"]["pre_ms"], config["window"]["post_ms"])
    context = n_pre + n_post
    start, stop = max(centre - n_pre - context, 0), min(centre + n_post + context, len(trace))
    return (np.arange(start, stop) - centre) * 1000.0 / fs_hz, np.asarray(trace[start:stop])
