"""Properties of windowing and label mapping that must hold for any event positions and lengths."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from signalrnn.data.annotate import label_codes
from signalrnn.preprocessing.window import extract_windows, inside_record


@settings(max_examples=200, deadline=None)
@given(
    n_samples=st.integers(1, 400),
    n_pre=st.integers(0, 50),
    n_post=st.integers(1, 50),
    events=st.lists(st.integers(-100, 500), max_size=40),
)
def test_kept_windows_lie_inside_the_record_and_start_where_expected(n_samples, n_pre, n_post, events):
    signal = np.arange(n_samples, dtype=float)[:, None]  # the value is the sample index
    samples = np.array(events, dtype=int)
    keep = inside_record(samples, n_pre, n_post, n_samples)
    windows = extract_windows(signal, samples[keep], np.zeros((keep.sum(), 1), int), n_pre, n_post)
    assert windows.shape == (keep.sum(), n_pre + n_post, 1)
    for sample, window in zip(samples[keep], windows, strict=True):
        assert window[:, 0].tolist() == list(range(sample - n_pre, sample + n_post))
    dropped = samples[~keep]
    assert np.all((dropped - n_pre < 0) | (dropped + n_post > n_samples))


codes = st.sampled_from(["N", "L", "A", "V", "+", "~", "Q", "x"])


@settings(max_examples=200, deadline=None)
@given(st.lists(codes, max_size=60))
def test_label_mapping_never_invents_or_mislabels(sequence):
    cfg = {"classes": {"N": ["N", "L"], "SVEB": ["A"], "VEB": ["V"]}, "ignore": ["+", "~"],
           "unknown": "drop"}
    labels = label_codes(sequence, cfg, "property")
    expected = {"N": "N", "L": "N", "A": "SVEB", "V": "VEB"}
    assert len(labels) == len(sequence)
    for code, label in zip(sequence, labels, strict=True):
        assert label == expected.get(code)
