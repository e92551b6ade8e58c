"""Splits are by patient: no patient is in two splits, and the same seed gives the same split."""

import pandas as pd
import pytest

from signalrnn.errors import SignalrnnError
from signalrnn.preprocessing.split import split_table

PATIENT_SPLIT = {"method": "patient", "fractions": {"train": 0.6, "val": 0.2, "test": 0.2},
                 "seed": 3}


def records(n_patients=10, per_patient=3):
    return pd.DataFrame([{"record": f"p{p}_r{r}", "patient": f"p{p}"}
                         for p in range(n_patients) for r in range(per_patient)])


@pytest.mark.parametrize("seed", range(20))
def test_no_patient_is_in_two_splits(seed):
    table = split_table(records(), {**PATIENT_SPLIT, "seed": seed})
    assert (table.groupby("patient")["split"].nunique() == 1).all()
    assert set(table["split"]) == {"train", "val", "test"}
    assert len(table) == 30


def test_fractions_are_of_patients():
    table = split_table(records(), PATIENT_SPLIT)
    counts = table.drop_duplicates("patient")["split"].value_counts()
    assert counts.to_dict() == {"train": 6, "val": 2, "test": 2}


def test_same_seed_same_split_other_seed_other_split():
    a = split_table(records(), PATIENT_SPLIT)
    assert a.equals(split_table(records(), PATIENT_SPLIT))
    assert not a.equals(split_table(records(), {**PATIENT_SPLIT, "seed": 4}))


def test_explicit_record_lists_are_followed():
    lists = {"train": ["p0_r0", "p0_r1", "p1_r0"], "val": ["p2_r0"], "test": ["p3_r0"]}
    table = split_table(records(4, 2), {"method": "records", "records": lists})
    assert table.set_index("record")["split"].to_dict() == {
        "p0_r0": "train", "p0_r1": "train", "p1_r0": "train", "p2_r0": "val", "p3_r0": "test"}


def test_explicit_lists_that_split_a_patient_are_rejected():
    lists = {"train": ["p0_r0"], "val": ["p0_r1"], "test": ["p1_r0"]}
    with pytest.raises(SignalrnnError, match=r"patients \['p0'\] have records in more than one"):
        split_table(records(2, 2), {"method": "records", "records": lists})


def test_too_few_patients_is_an_error():
    with pytest.raises(SignalrnnError, match="2 patient"):
        split_table(records(2), PATIENT_SPLIT)


KFOLD = {"method": "kfold", "folds": 5, "val_from": "next_fold", "seed": 0}


@pytest.mark.parametrize("seed", range(5))
def test_every_patient_is_tested_exactly_once_across_folds(seed):
    folds = split_table(records(12, 2), {**KFOLD, "seed": seed})
    test = folds[folds["split"] == "test"]
    assert sorted(test["record"]) == sorted(records(12, 2)["record"])
    assert (test.groupby("patient")["fold"].nunique() == 1).all()
    assert sorted(test.groupby("fold")["patient"].nunique()) == [2, 2, 2, 3, 3]


@pytest.mark.parametrize("val_from", ["next_fold", "records"])
def test_a_fold_never_trains_or_stops_early_on_its_test_patients(val_from):
    folds = split_table(records(8, 3), {**KFOLD, "val_from": val_from})
    for _, fold in folds.groupby("fold"):
        test = set(fold.loc[fold["split"] == "test", "patient"])
        assert test and test.isdisjoint(fold.loc[fold["split"] != "test", "patient"])
        assert len(fold) == 24  # every record has a role in every fold


def test_next_fold_validation_takes_the_following_folds_patients():
    folds = split_table(records(9, 1), {**KFOLD, "folds": 3})
    patients = {(k, s): set(g["patient"]) for (k, s), g in folds.groupby(["fold", "split"])}
    for k in range(3):
        assert patients[(k, "val")] == patients[((k + 1) % 3, "test")]
        assert patients[(k, "train")] == patients[((k + 2) % 3, "test")]


def test_leave_one_patient_out_keeps_every_training_patient_in_training():
    folds = split_table(records(4, 3), {**KFOLD, "folds": None, "val_from": "records"})
    assert folds["fold"].nunique() == 4
    for _, fold in folds.groupby("fold"):
        assert fold.loc[fold["split"] == "test", "patient"].nunique() == 1
        val = fold[fold["split"] == "val"]
        assert val["patient"].value_counts().tolist() == [1, 1, 1]  # one record of each
        assert set(fold.loc[fold["split"] == "train", "patient"]) == set(val["patient"])


def test_more_folds_than_patients_is_an_error():
    with pytest.raises(SignalrnnError, match="6 folds need at least 6 patients"):
        split_table(records(4), {**KFOLD, "folds": 6})


def test_next_fold_validation_needs_three_folds():
    with pytest.raises(SignalrnnError, match="split.folds: 2 folds leave no training patients"):
        split_table(records(4), {**KFOLD, "folds": 2})


def test_record_validation_needs_patients_with_several_records():
    with pytest.raises(SignalrnnError, match="val_from: records"):
        split_table(records(4, 1), {**KFOLD, "folds": None, "val_from": "records"})
