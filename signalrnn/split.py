"""Patient-wise train / val / test assignment: no patient (and so no record) is in two splits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from signalrnn.errors import SignalrnnError

SPLITS = ("train", "val", "test")


def split_patients(patients: list[str], fractions: dict, seed: int) -> dict[str, str]:
    """Patient -> split, shuffled by ``seed``; val and test get at least one patient each."""
    unique = sorted(set(patients))
    if len(unique) < 3:
        raise SignalrnnError(
            f"split: {len(unique)} patient(s) cannot fill train, val and test; add patients "
            "or give explicit lists in split.records"
        )
    order = np.random.default_rng(seed).permutation(unique)
    total = sum(fractions.values())
    n_test = max(1, round(len(unique) * fractions["test"] / total))
    n_val = max(1, round(len(unique) * fractions["val"] / total))
    n_test, n_val = min(n_test, len(unique) - 2), min(n_val, len(unique) - 2)
    assigned = ["test"] * n_test + ["val"] * n_val
    assigned += ["train"] * (len(unique) - len(assigned))
    return dict(zip(order.tolist(), assigned, strict=True))


def split_table(records: pd.DataFrame, split_cfg: dict) -> pd.DataFrame:
    """Add a ``split`` column to a (record, patient) table, by patient or by explicit lists."""
    table = records[["record", "patient"]].drop_duplicates().sort_values("record")
    if split_cfg["method"] == "patient":
        by_patient = split_patients(table["patient"].tolist(), split_cfg["fractions"],
                                    split_cfg["seed"])
        table["split"] = table["patient"].map(by_patient)
    else:
        by_record = {r: s for s in SPLITS for r in split_cfg["records"][s]}
        unknown = sorted(set(by_record) - set(table["record"]))
        if unknown:
            raise SignalrnnError(f"split.records: records {unknown} are not in the dataset")
        table = table[table["record"].isin(by_record)].copy()
        table["split"] = table["record"].map(by_record)
    leaked = table.groupby("patient")["split"].nunique()
    if (leaked > 1).any():
        raise SignalrnnError(
            f"split.records: patients {sorted(leaked[leaked > 1].index)} have records in more "
            "than one split; keep each patient's records together"
        )
    return table.reset_index(drop=True)
