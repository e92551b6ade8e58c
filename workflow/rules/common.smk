# Shared by all rules: the validated config, the output layout and the record list.
import sys

import yaml

from signalrnn.config import validate_config
from signalrnn.errors import SignalrnnError
from signalrnn.layout import Layout, snr_label
from signalrnn.records import record_names

try:
    CONFIG = validate_config(config, "config")
    RECORDS = record_names(CONFIG)
except SignalrnnError as exc:
    sys.exit(f"signalrnn: error: {exc}")

OUT = Layout.of(CONFIG["name"])
DATA = CONFIG["data_dir"]
SWEEP_LEVELS = [snr_label(snr_db) for snr_db in CONFIG["sweep"]["snr_db"]]
ANNOTATION_EXT = CONFIG["annotation"]["extension"]
# Rules read the effective config from this file; params carry the sections a rule uses,
# so that changing one section reruns only the rules that depend on it.
OUT.root.mkdir(parents=True, exist_ok=True)
if not OUT.config.is_file() or yaml.safe_load(OUT.config.read_text()) != CONFIG:
    OUT.config.write_text(yaml.safe_dump(CONFIG, sort_keys=False))
CONFIG_FILE = str(OUT.config)
# For --software-deployment-method conda: the same install as `make run`.
CONDA_ENV = "../../environment.yml"


wildcard_constraints:
    record="[^/]+",
    snr="-?[0-9.]+",


def record_file(extension):
    """Path pattern of one record's file with ``extension``."""
    return f"{DATA}/{{record}}.{extension}"
