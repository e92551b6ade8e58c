"""A trained model as saved: the ``.keras`` file (loaded in safe mode) and its ``model.json``,
everything ``signalrnn predict`` needs to preprocess new records exactly as in training."""

from __future__ import annotations

import json
from pathlib import Path

import keras

from signalrnn.config.load import class_names, config_hash
from signalrnn.errors import SignalrnnError
from signalrnn.io.records import read_header
from signalrnn.mapping.geometry import given_layout, layout_from_config, layout_to_json
from signalrnn.preprocessing.window import RR_COLUMNS


def load_model(path: str | Path) -> keras.Model:
    """Load a .keras model in Keras' safe mode (no arbitrary code from the file)."""
    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as exc:
        raise SignalrnnError(
            f"{path}: cannot load the model ({type(exc).__name__}); retrain it or pass a .keras file "
            "written by signalrnn train"
        ) from None


def electrode_layout(config: dict, record_channels: list[str], where: str) -> dict | None:
    """The electrode layout the model's training records were recorded with, as model.json keeps
    it (:func:`signalrnn.mapping.geometry.layout_to_json`), or None if the config has none.

    A layout the ``mapping`` section gives (``layout_csv`` or ``array_shape``) must hold exactly
    the training record's channels (else SignalrnnError naming the first channel that one has
    and the other lacks). Without one, a simulated experiment of unipolar electrodes
    (``simulate.enabled``, ``montage: unipolar``) was recorded with the simulator's array, if the
    record's channels are that array's; bipolar montages and recorded data have no layout.

    Parameters
    ----------
    config
        The experiment's config (``mapping`` and ``simulate`` sections).
    record_channels
        The channel names of the first training record.
    where
        Names that record in messages (its header).
    """
    mapping, sim = config["mapping"], config["simulate"]
    if given_layout(mapping):
        layout = layout_from_config(mapping, sim)
        layout.check_channels(record_channels, f"{where} (training record; mapping.layout_csv or "
                                               "mapping.array_shape)")
    elif sim["enabled"] and sim["montage"] == "unipolar":
        layout = layout_from_config(mapping, sim)
        if set(layout.channels) != set(record_channels):
            return None
    else:
        return None
    return layout_to_json(layout, mapping["adjacent_mm"], mapping["velocity_radius_mm"])


def model_metadata(config: dict, input_shape: tuple[int, int], n_features: int, record: str,
                   fs_hz: float) -> dict:
    """Everything needed to preprocess new data exactly as in training (``signalrnn predict``),
    and the electrode layout that ``signalrnn map`` draws on.

    ``input_shape`` is a window's (samples, channels), ``n_features`` the RR features beside it
    and ``fs_hz`` the windows' rate; ``record_channels`` are the channel names of ``record`` (the
    first training record); ``filter``, ``events``, ``window`` (with normalisation and RR
    features) and ``annotation`` (class names and label map) are the config's sections,
    ``premature_gate`` its ``model.premature_gate``; ``electrode_layout`` is
    :func:`electrode_layout` (null without one).
    """
    channels = list(read_header(config["data_dir"], record).sig_name)
    return {
        "name": config["name"],
        "config_hash": config_hash(config),
        "classes": class_names(config),
        "input_shape": list(input_shape),
        "features": RR_COLUMNS if n_features else [],
        "fs_hz": float(fs_hz),
        "record_channels": channels,
        "filter": config["filter"],
        "events": config["events"],
        "window": config["window"],
        "annotation": config["annotation"],
        "premature_gate": config["model"]["premature_gate"],
        "electrode_layout": electrode_layout(config, channels, f"{Path(config['data_dir']) / record}.hea"),
    }


def read_model_metadata(model: str | Path) -> dict:
    """The model.json of ``model`` (a model.keras file with model.json beside it, or the model.json
    itself); SignalrnnError if there is none."""
    model = Path(model)
    path = model if model.suffix == ".json" else model.with_name("model.json")
    if not path.is_file():
        raise SignalrnnError(f"{path}: model metadata not found; give the model.json that signalrnn "
                             "train writes beside model.keras")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise SignalrnnError(f"{path}: not valid JSON (line {error.lineno}); give the model.json that "
                             "signalrnn train writes") from None
