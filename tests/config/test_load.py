"""The config schema fills defaults and rejects bad keys with a message naming the key."""

import os

import pytest

from signalrnn.config.load import SCHEMA_PATH, expand_environment, flatten, load_config, validate_config
from signalrnn.errors import SignalrnnError
from tests.helpers import ROOT, write_yaml

MINIMAL = {
    "name": "x",
    "data_dir": "data",
    "annotation": {"classes": {"a": ["A"], "b": ["B"]}},
}


@pytest.fixture
def data_folder(monkeypatch, tmp_path):
    """SIGNALRNN_DATA, which configs of real databases name: a scratch folder where it is unset."""
    monkeypatch.setenv("SIGNALRNN_DATA", os.environ.get("SIGNALRNN_DATA", str(tmp_path)))


def test_every_shipped_config_is_valid(data_folder):
    for path in sorted((ROOT / "configs").glob("*.yaml")):
        assert load_config(path)["name"]


@pytest.mark.parametrize("path", sorted((ROOT / "configs").glob("*.yaml")), ids=lambda p: p.name)
def test_snakemake_fills_the_same_defaults(path, data_folder):
    """The Snakefile validates with Snakemake's own validator, which sets defaults as it goes."""
    import yaml
    from snakemake.utils import validate

    config = yaml.safe_load(path.read_text())
    validate(config, str(ROOT / "workflow/schemas/config.schema.yaml"))
    assert expand_environment(config) == load_config(path)


def test_the_schema_names_each_key_once():
    """PyYAML keeps the last of two equal keys silently, so a duplicated section would hide edits."""
    import yaml

    class StrictLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
            duplicated = {key for key in keys if keys.count(key) > 1}
            assert not duplicated, f"{SCHEMA_PATH.name} line {node.start_mark.line + 1}: {duplicated} twice"
            return super().construct_mapping(node, deep)

    yaml.load(SCHEMA_PATH.read_text(), Loader=StrictLoader)


def test_paths_take_environment_variables(monkeypatch):
    monkeypatch.setenv("SIGNALRNN_DATA", "/data/physionet")
    config = validate_config({**MINIMAL, "predict": {"records_dir": "${SIGNALRNN_DATA}/iafdb"}})
    assert config["predict"]["records_dir"] == "/data/physionet/iafdb"


def test_an_unset_environment_variable_is_named_with_its_key(monkeypatch):
    monkeypatch.delenv("SIGNALRNN_DATA", raising=False)
    with pytest.raises(SignalrnnError, match=r"data_dir: environment variable SIGNALRNN_DATA is not set"):
        validate_config({**MINIMAL, "data_dir": "${SIGNALRNN_DATA}/mitdb"})


def test_defaults_are_filled_from_the_schema():
    config = validate_config(MINIMAL)
    assert config["window"]["normalize"] == "zscore"
    assert config["mlflow"]["tracking_uri"] == "sqlite:///mlflow.db"
    assert config["split"]["fractions"] == {"train": 0.6, "val": 0.2, "test": 0.2}


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"windw": {}}, "windw: unknown key"),
        ({"window": {"pre_ms": -5}}, "window.pre_ms"),
        ({"window": {"pre_mss": 5}}, "window.pre_mss: unknown key"),
        ({"train": {"epochs": "ten"}}, "train.epochs"),
        ({"filter": {"bandpass_hz": [300, 20]}}, "filter.bandpass_hz"),
        ({"split": {"method": "records"}}, "split.records"),
        ({"name": "has space"}, "name"),
        ({"simulate": {"cycle_length_ms": [250, 120]}}, "simulate.cycle_length_ms"),
        ({"simulate": {"array_shape": [8]}}, "simulate.array_shape"),
        ({"baseline": {"enabled": True}}, "baseline.enabled"),
        ({"sweep": {"snr_db": [10]}}, "sweep.snr_db"),
        ({"train": {"noise_augmentation": {"snr_db": [30, 0]}}}, "train.noise_augmentation.snr_db"),
        ({"train": {"noise_augmentation": {"snr_db": [0, 30], "fraction": 2}}},
         "train.noise_augmentation.fraction"),
    ],
)
def test_bad_values_name_the_key(change, named):
    with pytest.raises(SignalrnnError, match=named.replace(".", r"\.")):
        validate_config({**MINIMAL, **change})


def test_the_baseline_must_share_the_simulated_class_definition():
    config = load_config(ROOT / "configs" / "tiny.yaml")
    config["baseline"]["double_cut_ms"] = 20
    with pytest.raises(SignalrnnError, match=r"baseline\.double_cut_ms: 20 differs from simulate"):
        validate_config(config)


def test_the_snr_sweep_needs_one_trained_model():
    config = load_config(ROOT / "configs" / "tiny.yaml")
    config["sweep"]["snr_db"], config["split"]["method"] = [10], "kfold"
    with pytest.raises(SignalrnnError, match=r"sweep\.snr_db: .* one per fold"):
        validate_config(config)


def test_a_missing_file_and_bad_yaml_are_named(tmp_path):
    with pytest.raises(SignalrnnError, match="not found"):
        load_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(SignalrnnError, match="bad.yaml: not valid YAML"):
        load_config(bad)


def test_load_config_reports_the_file(tmp_path):
    path = write_yaml(tmp_path / "c.yaml", {**MINIMAL, "window": {"post_ms": -1}})
    with pytest.raises(SignalrnnError, match=r"c\.yaml: window\.post_ms"):
        load_config(path)


def test_each_load_gives_a_fresh_config_of_the_file_as_it_is_now(tmp_path):
    path = write_yaml(tmp_path / "c.yaml", MINIMAL)
    first = load_config(path)
    first["window"]["pre_ms"] = -5  # a caller changing its copy
    assert load_config(path)["window"]["pre_ms"] != -5
    write_yaml(path, {**MINIMAL, "name": "edited"})
    assert load_config(path)["name"] == "edited"


def test_flatten_joins_nested_keys():
    assert flatten({"a": {"b": 1, "c": {"d": [1, 2]}}, "e": "f"}) == {
        "a.b": 1, "a.c.d": [1, 2], "e": "f"}


CLASSES = {"a": ["A"], "b": ["B"]}
GATE = {"class": "a", "min_prematurity": 3.0, "otherwise": "b"}


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"annotation": {"classes": CLASSES, "source": "symbol"}, "events": {"source": "sliding"},
          "window": {"channels": "all"}}, "events.source"),
        ({"annotation": {"classes": CLASSES, "source": "rhythm"}}, "events.source"),
        ({"annotation": {"classes": CLASSES, "source": "table"}, "events": {"source": "sliding"},
          "window": {"channels": "all"}}, "annotation.table"),
        ({"annotation": {"classes": CLASSES, "source": "header"}, "events": {"source": "sliding"}},
         "window.channels"),
        ({"annotation": {"classes": CLASSES, "source": "header"}, "events": {"source": "sliding"},
          "window": {"channels": "all", "rr_features": True}}, "window.rr_features"),
        ({"split": {"method": "kfold", "folds": 1}}, "split.folds"),
        ({"train": {"noise_augmentation": {"snr_db": [0, 30]}}, "window": {"median_difference": True}},
         "train.noise_augmentation"),
        ({"model": {"premature_gate": GATE}}, "model.premature_gate"),
        ({"model": {"premature_gate": GATE | {"class": "SVEB"}}, "window": {"rr_features": True}},
         "model.premature_gate.class"),
        ({"model": {"premature_gate": GATE | {"otherwise": "a"}}, "window": {"rr_features": True}},
         "model.premature_gate.otherwise"),
    ],
)
def test_keys_that_contradict_each_other_are_named(change, named):
    with pytest.raises(SignalrnnError, match=named.replace(".", r"\.")):
        validate_config({**MINIMAL, **change})
