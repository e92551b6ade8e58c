"""Load, default-fill and validate a workflow configuration against its JSON schema."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from signalrnn.config.grid import check_grid, trials, with_settings
from signalrnn.data.potentials import CLASSES
from signalrnn.errors import SignalrnnError

SCHEMA_PATH = Path(__file__).with_name("config.schema.yaml")
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 9x faster than pure Python
#: Config keys holding a path that may name environment variables as ``${NAME}``, so that a shipped
#: config finds data where each machine keeps it, e.g. ``${SIGNALRNN_DATA}/iafdb``.
PATH_KEYS = ("data_dir", "predict.records_dir", "simulate.background_dir", "annotation.table")
ENVIRONMENT_VARIABLE = re.compile(r"\$\{(\w+)\}")


@functools.cache
def _schema() -> dict:
    """The parsed schema (parsed once per process; nothing may modify it)."""
    return yaml.load(SCHEMA_PATH.read_text(), Loader=YAML_LOADER)


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(_schema())


def _fill_defaults(instance: Any, schema: dict) -> None:
    """Insert schema defaults into ``instance`` in place, recursing into objects."""
    if not isinstance(instance, dict):
        return
    for key, sub in schema.get("properties", {}).items():
        if key not in instance and "default" in sub:
            instance[key] = copy.deepcopy(sub["default"])
        if key in instance:
            _fill_defaults(instance[key], sub)


def _key_path(error: jsonschema.ValidationError) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        path = ".".join(filter(None, [path, extra[0] if extra else ""]))
        return f"{path}: unknown key (allowed: {', '.join(error.schema.get('properties', {}))})"
    return f"{path or '<top level>'}: {error.message}"


def validate_config(config: dict, source: str = "config") -> dict:
    """Return a default-filled copy of ``config``; raise SignalrnnError naming the bad key."""
    config = copy.deepcopy(config)
    _fill_defaults(config, _schema())
    errors = sorted(
        _validator().iter_errors(config),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    if errors:
        raise SignalrnnError(f"{source}: {_key_path(errors[0])}")
    expand_environment(config, source)
    _check_consistency(config, source)
    return config


def expand_environment(config: dict, source: str = "config") -> dict:
    """Replace each ``${NAME}`` in the paths of PATH_KEYS by the environment variable NAME, in place.

    Raises SignalrnnError naming the key and the variable when that variable is not set.
    """
    for key in PATH_KEYS:
        *parents, last = key.split(".")
        section = config
        for parent in parents:
            section = section.get(parent, {})
        value = section.get(last)
        if not isinstance(value, str):
            continue

        def variable(match: re.Match, key: str = key) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise SignalrnnError(f"{source}: {key}: environment variable {name} is not set; "
                                     f"export {name}=<folder> or write the path in its place")
            return os.environ[name]

        section[last] = ENVIRONMENT_VARIABLE.sub(variable, value)
    return config


def _check_consistency(config: dict, source: str) -> None:
    """Checks that need more than one key."""
    band = config["filter"]["bandpass_hz"]
    if band is not None and band[0] >= band[1]:
        raise SignalrnnError(f"{source}: filter.bandpass_hz: low corner {band[0]} must be below {band[1]}")
    if config["window"]["pre_ms"] + config["window"]["post_ms"] <= 0:
        raise SignalrnnError(f"{source}: window: pre_ms + post_ms must be positive")
    noise_snr_db = config["train"]["noise_augmentation"]["snr_db"]
    if noise_snr_db is not None and noise_snr_db[0] > noise_snr_db[1]:
        raise SignalrnnError(f"{source}: train.noise_augmentation.snr_db: give [low, high] in dB, "
                             f"not {noise_snr_db}")
    if noise_snr_db is not None and config["window"]["median_difference"]:
        raise SignalrnnError(f"{source}: train.noise_augmentation: cannot renoise the median-difference "
                             "channels of window.median_difference; turn one of the two off")
    split = config["split"]
    if split["method"] == "records" and "records" not in split:
        raise SignalrnnError(f"{source}: split.records: needed when split.method is 'records'")
    label, anchors = config["annotation"]["source"], config["events"]["source"]
    if label in ("symbol", "aux_note") and anchors != "annotations":
        raise SignalrnnError(f"{source}: events.source: annotation.source {label} labels annotations, "
                             "so events.source must be annotations")
    if label == "rhythm" and anchors == "annotations":
        raise SignalrnnError(f"{source}: events.source: rhythm labels need events (sliding or qrs), "
                             "not the rhythm annotations themselves")
    if label == "table" and config["annotation"]["table"] is None:
        raise SignalrnnError(f"{source}: annotation.table: needed when annotation.source is 'table'")
    if anchors == "sliding" and config["window"]["channels"] == "annotated":
        raise SignalrnnError(f"{source}: window.channels: sliding windows have no annotated channel; "
                             "name the channels or use all")
    if (config["predict"]["records_dir"] is not None and config["predict"]["model"] is None
            and split["method"] == "kfold"):
        raise SignalrnnError(f"{source}: predict.model: cross-validation trains one model per fold; "
                             "name the model to predict with (a model.keras file or models:/<name>@<alias>)")
    if config["real_recordings"]["enabled"] and config["predict"]["records_dir"] is None:
        raise SignalrnnError(f"{source}: real_recordings.enabled: the check reads the predictions of "
                             "predict.records_dir; set that folder of real records")
    if anchors == "sliding" and config["window"]["rr_features"]:
        raise SignalrnnError(f"{source}: window.rr_features: needs beats as events (annotations or qrs), "
                             "not sliding windows")
    _check_premature_gate(config, source)
    _check_simulation(config, source)
    _check_tune(config, source)


def _check_premature_gate(config: dict, source: str) -> None:
    """The gate reads rr_prematurity and names two different classes of annotation.classes."""
    gate = config["model"]["premature_gate"]
    if gate is None:
        return
    if not config["window"]["rr_features"]:
        raise SignalrnnError(f"{source}: model.premature_gate: needs window.rr_features (its "
                             "rr_prematurity); turn them on or set the gate to null")
    classes = list(config["annotation"]["classes"])
    for key in ("class", "otherwise"):
        if gate[key] not in classes:
            raise SignalrnnError(f"{source}: model.premature_gate.{key}: {gate[key]!r} is not a class; "
                                 f"name one of annotation.classes {classes}")
    if gate["class"] == gate["otherwise"]:
        raise SignalrnnError(f"{source}: model.premature_gate.otherwise: must differ from its class")


def _check_tune(config: dict, source: str) -> None:
    """Grid keys name model / train settings, and every trial's config is valid."""
    check_grid(config, source)
    for trial, settings in trials(config).items():
        trial_config = with_settings({**config, "tune": {"grid": {}}}, settings)
        validate_config(trial_config, f"{source}: tune.grid trial {trial} {settings}")


def _check_simulation(config: dict, source: str) -> None:
    """Ranges of the generator; what the baseline and the SNR sweep need."""
    sim, baseline = config["simulate"], config["baseline"]
    for key in ("cycle_length_ms", "amplitude_mv", "wander_mv", "mains_mv", "far_field_mv"):
        low, high = sim[key]
        if low > high:
            raise SignalrnnError(f"{source}: simulate.{key}: low {low} must not exceed high {high}")
    if baseline["enabled"]:
        if set(config["annotation"]["classes"]) != set(CLASSES):
            raise SignalrnnError(
                f"{source}: baseline.enabled: the deflection-counting rule knows the classes "
                f"{list(CLASSES)}; set annotation.classes to them or disable it"
            )
        if sim["enabled"] and baseline["double_cut_ms"] != sim["double_cut_ms"]:
            raise SignalrnnError(
                f"{source}: baseline.double_cut_ms: {baseline['double_cut_ms']} differs from "
                f"simulate.double_cut_ms {sim['double_cut_ms']}; the rule must use the class definition"
            )
    if config["sweep"]["snr_db"] and not sim["enabled"]:
        raise SignalrnnError(f"{source}: sweep.snr_db: the SNR sweep re-simulates the test patients; "
                             "enable simulate or set sweep.snr_db: []")
    if config["sweep"]["snr_db"] and config["split"]["method"] == "kfold":
        raise SignalrnnError(f"{source}: sweep.snr_db: the SNR sweep scores one trained model, and "
                             "cross-validation trains one per fold; set sweep.snr_db: [] or split.method")


def load_config(path: str | Path) -> dict:
    """Read a YAML config file and validate it (see ``validate_config``). Parsing and validating
    take 5 ms, so a process that loads the same text again gets a copy of the first result."""
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise SignalrnnError(f"{path}: config file not found; pass an existing YAML file") from None
    named = sorted(set(ENVIRONMENT_VARIABLE.findall(text)))
    environment = tuple((name, os.environ.get(name)) for name in named)
    return copy.deepcopy(_validated_text(text, str(path), environment))


@functools.lru_cache(maxsize=16)
def _validated_text(text: str, source: str, environment: tuple = ()) -> dict:
    """The validated config in ``text`` (nothing may modify the result: it is cached), for the
    ``environment`` values of the variables it names (a part of the cache key only)."""
    try:
        raw = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        raise SignalrnnError(f"{source}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(raw, dict):
        raise SignalrnnError(f"{source}: a config must be a YAML mapping of keys to values")
    return validate_config(raw, source)


def config_hash(config: dict) -> str:
    """Short stable hash of a config (12 hex digits), for tags and provenance."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:12]


def flatten(config: dict, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``; lists stay values."""
    flat: dict[str, Any] = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def class_names(config: dict) -> list[str]:
    """Class names in index order (the order of ``annotation.classes``)."""
    return list(config["annotation"]["classes"])
