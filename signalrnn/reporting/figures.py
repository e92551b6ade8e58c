"""The report's own figures (training curves, example windows, SNR sweep), written as PNG
beside the evaluation's figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from signalrnn.config.load import class_names
from signalrnn.evaluation.figures import example_windows_figure, snr_sweep_figure, training_curves_figure
from signalrnn.evaluation.maps import held_out_map_scores, true_line_and_zone
from signalrnn.io.layout import Layout
from signalrnn.preprocessing.dataset import WindowSet, split_windows
from signalrnn.preprocessing.split import split_folds
from signalrnn.reporting.context import example_map_record, held_out_record_maps
from signalrnn.reporting.map_figures import truth_and_estimate_figure
from signalrnn.reporting.tables import sweep_results


def held_out_windows(config: dict, layout: Layout) -> WindowSet:
    """Every test window: of the test split, or with cross-validation, of all folds."""
    if not split_folds(layout.split):
        return split_windows(layout, "test", class_names(config))
    records = pd.read_csv(layout.split, dtype={"record": str})["record"].unique().tolist()
    return WindowSet(layout.windows_dir, records, class_names(config))


def histories(layout: Layout) -> pd.DataFrame:
    """Training history; with cross-validation, every fold's with a ``fold`` column."""
    folds = split_folds(layout.split)
    if not folds:
        return pd.read_csv(layout.history)
    return pd.concat([pd.read_csv(layout.for_fold(k).history).assign(fold=k) for k in folds],
                     ignore_index=True)


def write_maps_figure(config: dict, layout: Layout) -> None:
    """For simulated unipolar data, one test record's true maps beside its estimated ones
    (``layout.figure("maps_truth")``): the record of :func:`example_map_record`."""
    maps = held_out_record_maps(config, layout)
    if maps is None:
        return
    record = example_map_record(held_out_map_scores(config, maps))
    estimated, truth = maps[record]
    truth_and_estimate_figure(estimated, truth, *true_line_and_zone(truth, config["simulate"], record),
                              layout.figure("maps_truth"))


def write_figures(config: dict, layout: Layout) -> None:
    """Training curves, example test windows of each class, the SNR sweep and the maps against
    their truth, as PNG files."""
    figure = training_curves_figure(histories(layout))
    figure.savefig(layout.curves_png, dpi=110)
    test = held_out_windows(config, layout)
    rng = np.random.default_rng(0)
    n = config["report"]["examples_per_class"]
    examples = {}
    for i, cls in enumerate(test.classes):
        positions = np.flatnonzero(test.labels == i)
        chosen = np.sort(rng.choice(positions, min(n, len(positions)), replace=False))
        examples[cls] = test.take(chosen)
    fs_hz = float(test.index["fs_hz"].iat[0])
    figure = example_windows_figure(examples, fs_hz, config["window"]["pre_ms"])
    figure.savefig(layout.examples_png, dpi=110)
    sweep = sweep_results(config, layout)
    if sweep is not None:
        snr_sweep_figure(sweep).savefig(layout.figure("snr_sweep"), dpi=110)
    write_maps_figure(config, layout)
