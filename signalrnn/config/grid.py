"""The hyperparameter grid of a config: every combination of ``tune.grid`` (model / train
settings) is a trial. Pure config manipulation; ``signalrnn.model.select`` picks the trained trial."""

from __future__ import annotations

import copy
import itertools
from typing import Any

from signalrnn.errors import SignalrnnError

TUNABLE_SECTIONS = ("model", "train")


def trials(config: dict) -> dict[str, dict[str, Any]]:
    """Trial id (``t00``, ``t01``, ...) -> its settings ``{"<section>.<key>": value}``: every
    combination of ``tune.grid``, keys in sorted order; empty without a grid."""
    grid = config["tune"]["grid"]
    if not grid:
        return {}
    keys = sorted(grid)
    return {f"t{i:02d}": dict(zip(keys, values, strict=True))
            for i, values in enumerate(itertools.product(*(grid[k] for k in keys)))}


def with_settings(config: dict, settings: dict[str, Any]) -> dict:
    """A copy of ``config`` with every ``<section>.<key>`` of ``settings`` set."""
    changed = copy.deepcopy(config)
    for key, value in settings.items():
        section, name = key.split(".", 1)
        changed[section][name] = value
    return changed


def check_grid(config: dict, source: str) -> None:
    """SignalrnnError naming ``tune.grid`` unless each key is a model / train setting of the
    config; the values are checked as part of each trial's config by the caller."""
    for key in config["tune"]["grid"]:
        section, _, name = key.partition(".")
        if section not in TUNABLE_SECTIONS or name not in config[section]:
            known = ", ".join(f"{s}.{k}" for s in TUNABLE_SECTIONS for k in config[s])
            raise SignalrnnError(f"{source}: tune.grid: {key!r} is no model or train setting; use one "
                                 f"of {known}")
    if config["tune"]["grid"] and config["split"]["method"] == "kfold":
        raise SignalrnnError(f"{source}: tune.grid: a search needs one validation split; with "
                             "split.method kfold each fold has its own, so set tune.grid: {}")


def require_trial(config: dict, trial: str) -> dict[str, Any]:
    """The settings of ``trial``; SignalrnnError when the grid has no such trial."""
    known = trials(config)
    if trial not in known:
        raise SignalrnnError(f"--trial {trial}: tune.grid has the trials {list(known) or 'none'}")
    return known[trial]
