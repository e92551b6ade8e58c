import numpy as np
import pandas as pd

from signalrnn.io.tables import write_csv


def test_a_per_beat_table_reads_back_as_written(tmp_path):
    table = pd.DataFrame({
        "record": ["100", "100"], "sample": [18, 77], "channel": ["MLII", ""],
        "code": ['(AB,"x"', "N"], "rr_prev_s": np.array([0.8125, np.nan], dtype=np.float32),
    })
    write_csv(table, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv", dtype={"record": str, "channel": str}, keep_default_na=False,
                       na_values={"rr_prev_s": [""]})
    assert back["record"].tolist() == ["100", "100"] and back["sample"].tolist() == [18, 77]
    assert back["channel"].tolist() == ["MLII", ""] and back["code"].tolist() == ['(AB,"x"', "N"]
    assert back["rr_prev_s"].iloc[0] == np.float32(0.8125) and np.isnan(back["rr_prev_s"].iloc[1])
