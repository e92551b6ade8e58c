"""Figures shared by evaluate and report (matplotlib, no display needed)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def confusion_figure(cm: np.ndarray, classes: list[str], split: str) -> plt.Figure:
    """Confusion matrix, counts and row-normalised shading."""
    cm = np.asarray(cm)
    share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(1.4 * len(classes) + 2, 1.2 * len(classes) + 1.5))
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(classes)):
        for j in range(len(classes)):
            ax.text(j, i, f"{cm[i, j]}\n{share[i, j]:.0%}", ha="center", va="center",
                    color="white" if share[i, j] > 0.5 else "black", fontsize=9)
    ax.set_xticks(range(len(classes)), classes, rotation=30, ha="right")
    ax.set_yticks(range(len(classes)), classes)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(f"Confusion matrix ({split} split, {cm.sum()} windows)")
    fig.tight_layout()
    return fig


def training_curves_figure(history: pd.DataFrame) -> plt.Figure:
    """Loss and accuracy per epoch on the train and val splits; one pair of lines per
    cross-validation fold and per network of a seed ensemble when ``history`` has a ``fold`` or
    ``seed`` column."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    by = [column for column in ("fold", "seed") if column in history]
    runs = list(history.groupby(by)) if by else [(None, history)]
    for ax, metric in zip(axes, ["loss", "accuracy"], strict=True):
        for i, (_, run) in enumerate(runs):
            epochs = run["epoch"] + 1
            alpha = 1.0 if len(runs) == 1 else 0.6
            ax.plot(epochs, run[metric], marker="o", color="C0", alpha=alpha,
                    label="train" if i == 0 else None)
            ax.plot(epochs, run[f"val_{metric}"], marker="o", color="C1", alpha=alpha,
                    label="val" if i == 0 else None)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def example_windows_figure(
    windows: dict[str, np.ndarray], fs_hz: float, pre_ms: float
) -> plt.Figure:
    """A row of example windows (first channel) per class; time in ms from the event."""
    n_cols = max((len(w) for w in windows.values()), default=1) or 1
    fig, axes = plt.subplots(len(windows), n_cols, figsize=(2.2 * n_cols, 1.6 * len(windows)),
                             squeeze=False, sharex=True)
    for row, (cls, examples) in enumerate(windows.items()):
        for col in range(n_cols):
            ax = axes[row, col]
            if col < len(examples):
                t_ms = np.arange(examples.shape[1]) * 1000.0 / fs_hz - pre_ms
                ax.plot(t_ms, examples[col, :, 0], lw=0.9)
                ax.axvline(0, color="grey", lw=0.5, ls="--")
            else:
                ax.axis("off")
            ax.set_yticks([])
        axes[row, 0].set_ylabel(cls, rotation=0, ha="right", va="center")
    for ax in axes[-1]:
        ax.set_xlabel("time from event (ms)")
    fig.tight_layout()
    return fig


def roc_pr_figure(curves: dict[str, dict], decisions: pd.DataFrame) -> plt.Figure:
    """One-vs-rest ROC and precision-recall curves per class (AUC and average precision in the
    legend); dots mark each class's sensitivity / specificity / PPV at the model's decision."""
    fig, (roc, pr) = plt.subplots(1, 2, figsize=(10, 4.2))
    for i, (cls, c) in enumerate(curves.items()):
        color = f"C{i}"
        point = decisions[decisions["class"] == cls].iloc[0]
        roc.plot(c["fpr"], c["tpr"], color=color, label=f"{cls} (AUC {c['roc_auc']:.3f})")
        roc.plot(1 - point["specificity"], point["sensitivity"], "o", color=color)
        pr.plot(c["recall"], c["precision"], color=color,
                label=f"{cls} (AP {c['average_precision']:.3f})")
        pr.plot(point["sensitivity"], point["ppv"], "o", color=color)
    roc.plot([0, 1], [0, 1], color="grey", lw=0.7, ls="--")
    roc.set(xlabel="1 - specificity", ylabel="sensitivity", title="ROC, one class vs the rest")
    pr.set(xlabel="sensitivity (recall)", ylabel="PPV (precision)",
           title="Precision-recall, one class vs the rest")
    for ax in (roc, pr):
        ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.02))
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left" if ax is pr else "lower right", fontsize=8)
    fig.tight_layout()
    return fig


def reliability_figure(tables: dict[str, pd.DataFrame], eces: dict[str, float]) -> plt.Figure:
    """Accuracy against confidence per bin (diagonal = perfectly calibrated; dot area grows with
    the bin's windows), one colour per set of probabilities (e.g. before and after temperature
    scaling), and windows per bin below."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.5, 5.5), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 1]})
    top.plot([0, 1], [0, 1], color="grey", lw=0.7, ls="--", label="perfect calibration")
    width = 1 / len(next(iter(tables.values()))) / (len(tables) + 1)
    for i, (name, table) in enumerate(tables.items()):
        filled = table.dropna()
        top.plot(filled["confidence"], filled["accuracy"], color=f"C{i}", lw=0.8, alpha=0.5)
        area = 8 + 150 * filled["windows"] / filled["windows"].sum()
        top.scatter(filled["confidence"], filled["accuracy"], s=area, color=f"C{i}",
                    label=f"{name} (ECE {eces[name]:.3f})")
        bottom.bar(table["low"] + (i + 0.5) * width, table["windows"], width=width, color=f"C{i}",
                   align="edge")
    top.set(ylabel="accuracy", xlim=(0, 1), ylim=(0, 1.02),
            title="Reliability: is a prediction made with probability p right p of the time?")
    top.title.set_fontsize(9)
    top.legend(fontsize=8, loc="upper left")
    top.grid(alpha=0.3)
    bottom.set(xlabel="confidence (probability of the predicted class)", ylabel="windows")
    fig.tight_layout()
    return fig


def group_figure(table: pd.DataFrame, overall: float, group: str) -> plt.Figure:
    """Accuracy of each ``group`` (patient or record), worst at the top, with its window count;
    the dashed line is the accuracy over all windows."""
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(table) + 1.3))
    rows = np.arange(len(table))[::-1]
    ax.barh(rows, table["accuracy"], color="C0", alpha=0.8)
    for y, (_, row) in zip(rows, table.iterrows(), strict=True):
        ax.text(0.01, y, f"{row['windows']} windows", va="center", fontsize=7, color="white")
    ax.axvline(overall, color="black", ls="--", lw=0.8)
    ax.set_yticks(rows, table["group"])
    ax.set(xlim=(0, 1), xlabel="accuracy", ylabel=group)
    ax.set_title(f"Accuracy per {group}; dashed: all windows ({overall:.1%})", fontsize=9)
    fig.tight_layout()
    return fig


def hidden_state_figure(coords: np.ndarray, labels: np.ndarray, predicted: np.ndarray,
                        classes: list[str], explained: np.ndarray) -> plt.Figure:
    """The LSTM's final hidden state of every window in 2-D (PCA), coloured by the annotated
    class; misclassified windows are ringed in black."""
    fig, ax = plt.subplots(figsize=(6.5, 5))
    for i, cls in enumerate(classes):
        mine = labels == i
        ax.scatter(coords[mine, 0], coords[mine, 1], s=8, color=f"C{i}", alpha=0.6, label=cls,
                   linewidths=0)
    wrong = labels != predicted
    ax.scatter(coords[wrong, 0], coords[wrong, 1], s=22, facecolors="none", edgecolors="black",
               linewidths=0.7, label=f"misclassified ({wrong.sum()})")
    ax.set(xlabel=f"PC 1 ({explained[0]:.0%} of variance)",
           ylabel=f"PC 2 ({explained[1]:.0%} of variance)" if len(explained) > 1 else "PC 2",
           title="What the network learned: final LSTM state, PCA")
    ax.legend(fontsize=8, markerscale=1.5)
    fig.tight_layout()
    return fig


def failure_gallery_figure(traces: list) -> plt.Figure:
    """One row per misclassified window (``failures.FailureTrace``): the raw trace (left) and the
    filtered one (right) around it, the window shaded and the annotated event dashed."""
    fig, axes = plt.subplots(max(len(traces), 1), 2, figsize=(10, 1.9 * max(len(traces), 1)),
                             squeeze=False)
    for (raw, filtered), trace in zip(axes, traces, strict=False):
        row = trace.row
        for ax, time_ms, signal, kind in ((raw, trace.time_ms, trace.raw, "raw"),
                                          (filtered, trace.filtered_time_ms, trace.filtered, "filtered")):
            ax.plot(time_ms, signal, lw=0.8, color="black" if kind == "raw" else "C0")
            ax.axvspan(*trace.window_ms, color="C1", alpha=0.12)
            ax.axvline(0, color="grey", lw=0.6, ls="--")
            ax.set_ylabel(f"{kind} ({trace.units})", fontsize=8)
            ax.tick_params(labelsize=7)
        raw.set_title(f"{row['record']} (patient {row['patient']}), {trace.channel}, "
                      f"t = {trace.event_s:.3f} s", fontsize=8, loc="left")
        filtered.set_title(f"true {row['label']}, predicted {row['predicted']} "
                           f"(p = {row['probability']:.2f})", fontsize=8, loc="left", color="C3")
    if not traces:
        for ax in axes[0]:
            ax.axis("off")
        axes[0, 0].text(0, 0.5, "No misclassified windows.", transform=axes[0, 0].transAxes)
    for ax in axes[-1]:
        ax.set_xlabel("time from the annotated event (ms)", fontsize=8)
    fig.tight_layout()
    return fig


def snr_sweep_figure(table: pd.DataFrame) -> plt.Figure:
    """Macro-F1 of every classifier in ``table`` (columns ``<name> macro-F1``) against SNR (dB)."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for column in [c for c in table.columns if c.endswith("macro-F1")]:
        ax.plot(table["SNR (dB)"], table[column], marker="o", label=column.removesuffix(" macro-F1"))
    ax.invert_xaxis()
    ax.set_xlabel("SNR (dB), noisier to the right")
    ax.set_ylabel("macro-F1 (test patients)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def real_recordings_figure(patients: pd.DataFrame, channels: pd.DataFrame, segments: pd.DataFrame,
                           classes: list[str], tolerance: float) -> plt.Figure:
    """The sim-to-real check at a glance (``evaluation.real_recordings``): class shares per patient
    (grouped by rhythm), detections per second against the dominant frequency per channel, and the
    fractionated share of each segment against NavX CFE-mean and the organisation index."""
    fig, ((shares, rates), (cfe, oi)) = plt.subplots(2, 2, figsize=(10, 7.5))
    ordered = patients.sort_values(["group", "rhythm", "patient"], key=lambda c: c.astype(str))
    rows = np.arange(len(ordered))[::-1]
    left = np.zeros(len(ordered))
    for i, cls in enumerate(classes):
        share = ordered[f"share_{cls}"].to_numpy(dtype=float)
        shares.barh(rows, share, left=left, color=f"C{i}", label=cls)
        left += share
    names = [f"{p} ({r})" for p, r in zip(ordered["patient"], ordered["rhythm"], strict=True)]
    shares.set_yticks(rows, names, fontsize=7)
    shares.set(xlim=(0, 1), xlabel="share of the patient's potentials, per class")
    shares.legend(fontsize=7, ncols=len(classes), loc="lower center", bbox_to_anchor=(0.5, 1.0),
                  frameon=False)
    top = float(np.nanmax([channels["dominant_frequency_hz"].max(), channels["detections_per_s"].max(), 1.0]))
    line = np.array([0.0, top * 1.05])
    rates.fill_between(line, line * (1 - tolerance), line * (1 + tolerance), color="grey", alpha=0.2,
                       label=f"DF ± {tolerance:.0%}")
    rates.plot(line, line, color="grey", lw=0.8)
    rates.scatter(channels["dominant_frequency_hz"], channels["detections_per_s"], s=10, color="C0")
    rates.set(xlabel="dominant frequency (Hz)", ylabel="detections per second", xlim=(0, line[1]),
              ylim=(0, line[1]), title="Detections against DF, per channel-recording")
    rates.legend(fontsize=7)
    for ax, index, label in ((cfe, "cfe_mean_ms", "NavX CFE-mean (ms)"),
                             (oi, "organisation_index", "organisation index")):
        ax.scatter(segments[index], segments["share_fractionated"], s=6, alpha=0.5, color="C3")
        ax.set(xlabel=label, ylabel="fractionated share of the segment", ylim=(-0.02, 1.02))
        ax.grid(alpha=0.3)
    cfe.set_title("Per segment of one channel", fontsize=9)
    fig.tight_layout()
    return fig
