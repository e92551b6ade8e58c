"""Fixed-length windows around events, normalised and streamed to a .npy file per record."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from signalrnn.errors import SignalrnnError

CHUNK_WINDOWS = 4096  # windows held in memory at once while writing
MEDIAN_WINDOWS = 4096  # windows a record's median window is taken from, spread over the record
CHUNK_SAMPLES = 1 << 20  # samples of a record checked for NaN at once
PREMATURITY = "rr_prematurity"
RR_COLUMNS = ["rr_prev_s", "rr_next_s", "rr_prev_ratio", "rr_next_ratio",
              "rr_prev_short_ratio", "rr_next_short_ratio", "rr_irregularity", PREMATURITY]
STEADY_IRREGULARITY = 0.05  # the prematurity's floor on the irregularity: 5 % of the median RR


def window_samples(fs_hz: float, pre_ms: float, post_ms: float) -> tuple[int, int]:
    """Samples before and after the event sample for a window of ``pre_ms`` + ``post_ms`` ms."""
    return int(round(pre_ms * fs_hz / 1000)), int(round(post_ms * fs_hz / 1000))


def inside_record(samples: np.ndarray, n_pre: int, n_post: int, n_samples: int) -> np.ndarray:
    """True where the window [sample - n_pre, sample + n_post) lies wholly inside the record."""
    samples = np.asarray(samples)
    return (samples - n_pre >= 0) & (samples + n_post <= n_samples)


def extract_windows(
    signal: np.ndarray, samples: np.ndarray, channels: np.ndarray, n_pre: int, n_post: int
) -> np.ndarray:
    """Windows (n, n_pre + n_post, len(channels[0])) of ``signal`` (samples, channels).

    ``channels`` is (n, k): the channel indices each window takes.
    """
    offsets = np.arange(-n_pre, n_post)
    rows = np.asarray(samples)[:, None] + offsets[None, :]
    return signal[rows[:, :, None], np.asarray(channels)[:, None, :]]


def normalize(windows: np.ndarray, method: str) -> np.ndarray:
    """Per-window, per-channel z-score (``zscore``) or nothing (``none``); float32."""
    if method == "none":
        return windows.astype(np.float32)
    mean = windows.mean(axis=1, keepdims=True)
    std = windows.std(axis=1, keepdims=True)
    return ((windows - mean) / (std + 1e-6)).astype(np.float32)


def windowed_channels(choice, names: list[str], record: str) -> list[str]:
    """The channels of a record (``names``) that its windows can read under ``window.channels``
    ``choice``, in window order: every one for "all" and "annotated", else the chosen ones (for
    an entry that lists alternatives, the first the record has). The filter step keeps only
    these, so the filtered signal's columns are this list."""
    if choice in ("all", "annotated"):
        return list(names)
    chosen = [chosen_channel(entry, names) for entry in choice]
    missing = [entry for entry, name in zip(choice, chosen, strict=True) if name is None]
    _refuse_missing(missing, names, record)
    return chosen


def chosen_channel(entry: str | list[str], names: list[str]) -> str | None:
    """The record channel (of ``names``) that a ``window.channels`` entry reads: the named
    channel, or the first of a list of alternatives (e.g. [V1, V2, V4, V5]: the second lead of
    MIT-BIH, whichever it is) that the record has; None if it has none."""
    return next((name for name in ([entry] if isinstance(entry, str) else entry) if name in names), None)


def _refuse_missing(missing: list, names: list[str], record: str) -> None:
    if missing:
        raise SignalrnnError(
            f"{record}: channels {missing} not in the record (it has {names}); fix window.channels"
        )


def channel_indices(events: pd.DataFrame, names: list[str], choice, record: str) -> np.ndarray:
    """(n_events, k) channel indices per event for ``window.channels``."""
    if choice == "all":
        return np.tile(np.arange(len(names)), (len(events), 1))
    index = {name: i for i, name in enumerate(names)}
    if choice == "annotated":
        wanted = events["channel"].to_numpy()
        _refuse_missing(sorted(set(wanted) - set(names)), names, record)
        return np.array([[index[c]] for c in wanted], dtype=int)
    return np.tile([index[c] for c in windowed_channels(choice, names, record)], (len(events), 1))


def rr_features(samples: np.ndarray, fs_hz: float, local_beats: int, short_beats: int) -> np.ndarray:
    """(n, 8) RR features of consecutive beats at ``samples``: columns RR_COLUMNS.

    Previous and next RR interval (s); each divided by the local mean RR (the mean of the
    ``local_beats`` intervals centred on the beat: the patient's own rate) and by the short
    median RR (the median of the ``short_beats`` intervals centred on the beat: the rhythm the
    beat sits in); and that rhythm's irregularity, the median absolute difference of successive
    intervals among the ``short_beats``, divided by their median RR. An isolated premature beat
    in a regular rhythm has a short previous ratio well below 1 at an irregularity near 0; in
    atrial fibrillation early beats are the rule and the irregularity is high. The prematurity
    puts the two together: how much shorter than the local mean the previous RR is (as a share
    of it), divided by the irregularity, or by STEADY_IRREGULARITY where the rhythm is steadier.
    The first beat's previous RR is its next one, and the last beat's next RR its previous one.
    """
    if len(samples) == 1:
        raise SignalrnnError("window.rr_features: a record with a single beat has no RR interval; "
                             "drop the record or the RR features")
    rr_s = np.diff(np.asarray(samples, dtype=float)) / fs_hz
    previous, following = np.r_[rr_s[:1], rr_s], np.r_[rr_s, rr_s[-1:]]
    local = pd.Series(previous).rolling(local_beats, center=True, min_periods=1).mean().to_numpy()
    usual = pd.Series(previous).rolling(short_beats, center=True, min_periods=1).median().to_numpy()
    if not usual.all():
        raise SignalrnnError("window.rr_features: most RR intervals around some beat are 0 s (several "
                             "events at one sample); RR features need one event per beat")
    jumps = pd.Series(np.abs(np.diff(previous, prepend=previous[0])))
    irregularity = jumps.rolling(short_beats, center=True, min_periods=1).median().to_numpy() / usual
    previous_ratio = previous / local
    prematurity = (1 - previous_ratio) / np.maximum(irregularity, STEADY_IRREGULARITY)
    return np.column_stack([previous, following, previous_ratio, following / local, previous / usual,
                            following / usual, irregularity, prematurity]).astype(np.float32)


def median_sample(n_windows: int) -> np.ndarray:
    """Positions of up to MEDIAN_WINDOWS windows spread evenly over ``n_windows``: the windows a
    record's median window is taken from."""
    return np.linspace(0, n_windows - 1, min(n_windows, MEDIAN_WINDOWS)).astype(int)


def median_window(windows: np.ndarray) -> np.ndarray:
    """(T, C) sample-wise median of the ``median_sample`` of ``windows`` (n, T, C): a record's
    usual window, e.g. its usual beat."""
    return np.median(windows[median_sample(len(windows))], axis=0)


def with_median_difference(windows: np.ndarray, usual: np.ndarray | None) -> np.ndarray:
    """``windows`` (n, T, C) with, as C more channels, their difference from the record's
    ``usual`` (median) window; unchanged when ``usual`` is None (no window.median_difference)."""
    return windows if usual is None else np.concatenate([windows, windows - usual], axis=2)


def window_record(
    signal: np.ndarray,
    fs_hz: float,
    channel_names: list[str],
    events: pd.DataFrame,
    window_cfg: dict,
    out_npy: str | Path,
    record_fs_hz: float | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Write the windows of one record's events to ``out_npy`` (via a partial file).

    ``signal`` is sampled at ``fs_hz``; the events' samples at ``record_fs_hz`` (the rate of the
    record and its annotations; default ``fs_hz``). Returns the index of the windows and how many
    events were ``dropped`` (``edge``: too near either end; ``unusable``: the window touches NaN,
    i.e. missing or flat signal). The index keeps those samples, adds the
    windows' rate ``fs_hz`` and, with ``window.rr_features``, the RR_COLUMNS. With
    ``window.median_difference`` each window also gets, as extra channels, its difference from
    the record's median window.
    """
    record = events["record"].iat[0] if len(events) else Path(out_npy).stem
    record_fs_hz = record_fs_hz or fs_hz
    n_pre, n_post = window_samples(fs_hz, window_cfg["pre_ms"], window_cfg["post_ms"])
    if signal.shape[0] < n_pre + n_post:
        raise SignalrnnError(
            f"{record}: the record lasts {signal.shape[0] / fs_hz * 1000:g} ms, shorter than one "
            f"window ({window_cfg['pre_ms']} + {window_cfg['post_ms']} ms); leave it out of records "
            "or shorten window.pre_ms / window.post_ms")
    if window_cfg["rr_features"]:
        features = rr_features(events["sample"].to_numpy(), record_fs_hz, window_cfg["rr_local_beats"],
                               window_cfg["rr_short_beats"])
        events = events.assign(**dict(zip(RR_COLUMNS, features.T, strict=True)))
    centres = np.round(events["sample"].to_numpy() * (fs_hz / record_fs_hz)).astype(int)
    inside = inside_record(centres, n_pre, n_post, signal.shape[0])
    kept, centres = events[inside].reset_index(drop=True), centres[inside]
    chans = channel_indices(kept, channel_names, window_cfg["channels"], record)
    usable = usable_windows(signal, centres, chans, n_pre, n_post)
    kept, centres, chans = kept[usable].reset_index(drop=True), centres[usable], chans[usable]
    n_channels = chans.shape[1] if len(kept) else n_window_channels(window_cfg, channel_names)

    def normalized(rows) -> np.ndarray:
        raw = extract_windows(signal, centres[rows], chans[rows], n_pre, n_post)
        return normalize(raw, window_cfg["normalize"])

    usual = (median_window(normalized(median_sample(len(kept))))
             if window_cfg["median_difference"] and len(kept) else None)
    shape = (len(kept), n_pre + n_post, n_channels * (1 + window_cfg["median_difference"]))
    partial = Path(out_npy).with_suffix(".partial.npy")
    with open(partial, "wb") as out:  # chunk by chunk: one record's windows need not fit in memory
        np.lib.format.write_array_header_1_0(out, {"descr": "<f4", "fortran_order": False, "shape": shape})
        for start in range(0, len(kept), CHUNK_WINDOWS):
            windows = with_median_difference(normalized(slice(start, start + CHUNK_WINDOWS)), usual)
            windows.astype(np.float32, copy=False).tofile(out)
    os.replace(partial, out_npy)
    dropped = {"edge": int((~inside).sum()), "unusable": int((~usable).sum())}
    if dropped["edge"]:
        print(f"window: {record}: dropped {dropped['edge']} events too close to the record "
              f"edges for a {window_cfg['pre_ms']} + {window_cfg['post_ms']} ms window", flush=True)
    if dropped["unusable"]:
        print(f"window: {record}: dropped {dropped['unusable']} events whose window touches missing "
              "or flat signal (filter.flat_ms)", flush=True)
    return kept.assign(fs_hz=fs_hz), dropped


def usable_windows(signal: np.ndarray, centres: np.ndarray, chans: np.ndarray, n_pre: int,
                   n_post: int) -> np.ndarray:
    """True for the windows whose channels ``chans`` (n, k) hold no NaN, i.e. nothing that the
    filter step marked unusable; the record is read once in chunks, one channel at a time where
    it has NaN."""
    usable = np.ones(len(centres), dtype=bool)
    with_nan = np.zeros(signal.shape[1], dtype=bool)
    for start in range(0, signal.shape[0], CHUNK_SAMPLES):
        with_nan |= np.isnan(signal[start:start + CHUNK_SAMPLES]).any(axis=0)
    for ch in np.flatnonzero(with_nan):
        count = np.concatenate([[0], np.cumsum(np.isnan(signal[:, ch]))])
        touched = count[centres + n_post] - count[centres - n_pre] > 0
        usable &= ~((chans == ch).any(axis=1) & touched)
    return usable


def n_window_channels(window_cfg: dict, names: list[str]) -> int:
    """Signal channels per window under ``window.channels`` for a record with channels ``names``
    (without the median-difference channels)."""
    choice = window_cfg["channels"]
    return 1 if choice == "annotated" else len(names) if choice == "all" else len(choice)
