"""predict: class probabilities and the final LSTM state of streamed windows, with or without RR
features beside them."""

import numpy as np
import pytest

from signalrnn.evaluation.assess import predict
from signalrnn.model.build import build_model
from signalrnn.preprocessing.dataset import WindowSet
from signalrnn.preprocessing.window import RR_COLUMNS
from tests.helpers import MODEL, write_windows


@pytest.mark.parametrize("rr", [None, np.random.default_rng(0).uniform(0.5, 1.5, (6, len(RR_COLUMNS)))])
def test_predict_gives_the_models_probabilities_and_the_final_lstm_state(tmp_path, rr):
    write_windows(tmp_path, "a", ["x", "y"] * 3, rr)
    windows = WindowSet(tmp_path, ["a"], ["x", "y"])
    model = build_model(*windows.shape, 2, MODEL, 1e-3, n_features=windows.n_features)
    probs, hidden = predict(model, windows, batch_size=4, gate=None)
    assert hidden.shape == (6, MODEL["units"])
    np.testing.assert_allclose(probs, model.predict(windows.model_inputs(np.arange(6)), verbose=0),
                               atol=1e-6)
