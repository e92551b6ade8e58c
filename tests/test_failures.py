"""The failure gallery shows errors only, confident ones first, every kind of error in turn."""

import pandas as pd

from signalrnn.failures import select_failures


def test_errors_only_most_confident_first_taking_turns_over_kinds_of_error():
    predictions = pd.DataFrame({
        "label":       ["a", "a", "a", "b", "b", "c"],
        "predicted":   ["b", "b", "a", "a", "c", "c"],
        "probability": [0.9, 0.8, 0.99, 0.6, 0.7, 0.95],
    })
    chosen = select_failures(predictions, 4)
    assert chosen.index.tolist() == [0, 4, 3, 1]  # a->b, b->c, b->a, then the second a->b
    assert select_failures(predictions, 2).index.tolist() == [0, 4]
