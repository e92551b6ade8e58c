"""The SNR sweep's re-simulated test records."""

import numpy as np
import pandas as pd

from signalrnn.config.load import validate_config
from signalrnn.evaluation.sweep import window_simulated


def test_a_bipolar_record_is_windowed_on_its_bipoles(tiny_config, tmp_path):
    config = validate_config({**tiny_config, "simulate": {**tiny_config["simulate"], "montage": "catheter"}})
    window_simulated(config, "p01_r1", tmp_path)
    index = pd.read_csv(tmp_path / "p01_r1.csv")
    assert set(index["channel"]) <= {"CS12", "CS34", "CS56", "CS78", "CS90"} and len(index) > 100
    assert len(np.load(tmp_path / "p01_r1.npy", mmap_mode="r")) == len(index)
