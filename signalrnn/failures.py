"""The misclassified windows a clinician should look at, with their raw and filtered traces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from signalrnn.layout import Layout
from signalrnn.records import read_record
from signalrnn.window import window_samples


@dataclass(frozen=True)
class FailureTrace:
    """One misclassified window in context: ``raw`` and ``filtered`` (mV) on ``time_ms``
    (0 = the annotated event), the window's span ``window_ms`` and the prediction table's row."""

    time_ms: np.ndarray
    window_ms: tuple[float, float]
    raw: np.ndarray
    filtered: np.ndarray
    channel: str
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
        n_pre, n_post = window_samples(record.fs_hz, config["window"]["pre_ms"],
                                       config["window"]["post_ms"])
        context = n_pre + n_post
        start = max(int(row["sample"]) - n_pre - context, 0)
        stop = min(int(row["sample"]) + n_post + context, len(record.signal))
        channel = record.channels.index(row["channel"]) if row["channel"] in record.channels else 0
        filtered = np.load(layout.filtered(name), mmap_mode="r")
        traces.append(FailureTrace(
            time_ms=(np.arange(start, stop) - int(row["sample"])) * 1000.0 / record.fs_hz,
            window_ms=(-config["window"]["pre_ms"], config["window"]["post_ms"]),
            raw=record.signal[start:stop, channel], filtered=np.asarray(filtered[start:stop, channel]),
            channel=record.channels[channel], row=row,
        ))
    return traces
