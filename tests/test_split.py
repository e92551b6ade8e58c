"""Splits are by patient: no patient is in two splits, and the same seed gives the same split."""

import pandas as pd
import pytest

from signalrnn.errors import SignalrnnError
from signalrnn.split import split_table

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
