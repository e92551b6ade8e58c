"""Patient-wise train / val / test assignment: no patient (and so no record) is in two splits."""

from __future__ import annotations

from pathlib import Path

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


def split_folds(split_csv: str | Path) -> list[int]:
    """Cross-validation folds in a split.csv; empty when the split has no folds."""
    table = pd.read_csv(split_csv)
    return sorted(int(k) for k in table["fold"].unique()) if "fold" in table else []


def fold_of_patients(patients: list[str], folds: int | None, seed: int) -> dict[str, int]:
    """Patient -> fold 0..k-1, shuffled by ``seed`` and dealt in turn, so fold sizes differ by at most
    one patient; ``folds`` None = one fold per patient (leave-one-patient-out)."""
    unique = sorted(set(patients))
    folds = folds or len(unique)
    if len(unique) < folds:
        raise SignalrnnError(f"split.folds: {folds} folds need at least {folds} patients, "
                             f"there are {len(unique)}; lower split.folds")
    order = np.random.default_rng(seed).permutation(unique)
    return {patient: i % folds for i, patient in enumerate(order.tolist())}


def val_records(table: pd.DataFrame, seed: int) -> set[str]:
    """One record, drawn by ``seed``, of each patient in ``table`` that has several records."""
    rng = np.random.default_rng(seed)
    return {rng.choice(sorted(group["record"])) for _, group in table.groupby("patient")
            if len(group) > 1}


def kfold_table(table: pd.DataFrame, split_cfg: dict) -> pd.DataFrame:
    """Cross-validation folds: one row per fold and record, with that record's split in the fold.

    Each fold's patients are its test set; val is the next fold's patients (``val_from:
    next_fold``) or one record of each training patient with several (``val_from: records``);
    train is the rest.
    """
    fold = table["patient"].map(fold_of_patients(table["patient"].tolist(), split_cfg["folds"],
                                                 split_cfg["seed"]))
    n_folds = fold.max() + 1
    if split_cfg["val_from"] == "next_fold" and n_folds < 3:
        raise SignalrnnError(f"split.folds: {n_folds} folds leave no training patients once the next "
                             "fold is taken for val; use 3 or more folds or val_from: records")
    parts = []
    for k in range(n_folds):
        roles = np.where(fold == k, "test", "train").astype(object)
        if split_cfg["val_from"] == "next_fold":
            val = fold == (k + 1) % n_folds
        else:
            val = table["record"].isin(val_records(table[fold != k], split_cfg["seed"] + k))
        roles[val.to_numpy()] = "val"
        parts.append(table.assign(fold=k, split=roles))
    folds = pd.concat(parts, ignore_index=True)[["fold", "record", "patient", "split"]]
    short = sorted(set(range(n_folds)) - set(folds.loc[folds["split"] == "val", "fold"]))
    if short:
        raise SignalrnnError(f"split.val_from: records: folds {short} have no training patient with "
                             "several records to take val from; use val_from: next_fold")
    return folds


def split_table(records: pd.DataFrame, split_cfg: dict) -> pd.DataFrame:
    """Add a ``split`` column to a (record, patient) table, by patient, by explicit lists, or (kfold)
    one row per fold and record with a ``fold`` column (see ``kfold_table``)."""
    table = records[["record", "patient"]].drop_duplicates().sort_values("record")
    if split_cfg["method"] == "kfold":
        return kfold_table(table.reset_index(drop=True), split_cfg)
    if split_cfg["method"] == "patient":
        by_patient = split_patients(table["patient"].tolist(), split_cfg["fractions"],
                                    split_cfg["seed"])
        table["split"] = table["patient"].map(by_patient)
    else:
        by_record = {r: s for s in SPLITS for r in split_cfg["records"][s]}
        unknown = sorted(set(by_record) - set(table["record"]))
        if unknown:
            raise SignalrnnError(f"split.records: records {unknown} are not in the dataset or have "
                                 "no labelled events")
        table = table[table["record"].isin(by_record)].copy()
        table["split"] = table["record"].map(by_record)
    leaked = table.groupby("patient")["split"].nunique()
    if (leaked > 1).any():
        raise SignalrnnError(
            f"split.records: patients {sorted(leaked[leaked > 1].index)} have records in more "
            "than one split; keep each patient's records together"
        )
    return table.reset_index(drop=True)
