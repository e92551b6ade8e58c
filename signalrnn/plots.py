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
    cross-validation fold when ``history`` has a ``fold`` column."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    runs = list(history.groupby("fold")) if "fold" in history else [(None, history)]
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
