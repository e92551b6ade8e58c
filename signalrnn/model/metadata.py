"""A trained model as saved: the ``.keras`` file (loaded in safe mode) and its ``model.json``,
everything ``signalrnn predict`` needs to preprocess new records exactly as in training."""

from __future__ import annotations

from pathlib import Path

import keras

from signalrnn.config.load import class_names, config_hash
from signalrnn.errors import SignalrnnError
from signalrnn.io.records import read_header
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


def model_metadata(config: dict, input_shape: tuple[int, int], n_features: int, record: str,
                   fs_hz: float) -> dict:
    """Everything needed to preprocess new data exactly as in training (``signalrnn predict``).

    ``input_shape`` is a window's (samples, channels), ``n_features`` the RR features beside it
    and ``fs_hz`` the windows' rate; ``record_channels`` are the channel names of ``record`` (the
    first training record); ``filter``, ``events``, ``window`` (with normalisation and RR
    features) and ``annotation`` (class names and label map) are the config's sections,
    ``premature_gate`` its ``model.premature_gate``.
    """
    return {
        "name": config["name"],
        "config_hash": config_hash(config),
        "classes": class_names(config),
        "input_shape": list(input_shape),
        "features": RR_COLUMNS if n_features else [],
        "fs_hz": float(fs_hz),
        "record_channels": list(read_header(config["data_dir"], record).sig_name),
        "filter": config["filter"],
        "events": config["events"],
        "window": config["window"],
        "annotation": config["annotation"],
        "premature_gate": config["model"]["premature_gate"],
    }
