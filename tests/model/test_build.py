"""The LSTM stays inside the constraints of the fused cuDNN kernel and learns a toy task."""

import keras
import numpy as np
import pytest

from signalrnn.model.build import (
    FINAL_LSTM,
    RR_SCALING,
    apply_premature_gate,
    build_model,
    hidden_state_network,
    seed_ensemble,
)
from tests.helpers import MODEL


def lstm_layers(model):
    for layer in model.layers:
        inner = getattr(layer, "forward_layer", None)
        if isinstance(layer, keras.layers.LSTM):
            yield layer
        elif inner is not None:
            yield layer.forward_layer
            yield layer.backward_layer


@pytest.mark.parametrize("bidirectional", [False, True])
def test_every_lstm_can_use_cudnn(bidirectional):
    model = build_model(50, 2, 4, {**MODEL, "bidirectional": bidirectional}, 1e-3)
    layers = list(lstm_layers(model))
    assert len(layers) == (4 if bidirectional else 2)
    for layer in layers:
        assert layer.activation is keras.activations.tanh
        assert layer.recurrent_activation is keras.activations.sigmoid
        assert layer.recurrent_dropout == 0
        assert layer.unroll is False
        assert layer.use_bias is True
    assert model.get_layer(FINAL_LSTM) is not None


def test_many_to_one_shapes():
    model = build_model(50, 3, 4, MODEL, 1e-3)
    out = model.predict(np.zeros((5, 50, 3), np.float32), verbose=0)
    assert out.shape == (5, 4)
    assert np.allclose(out.sum(axis=1), 1, atol=1e-5)


def test_learns_to_tell_one_bump_from_two():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    n, t = 400, 40
    x = rng.normal(0, 0.1, (n, t, 1)).astype(np.float32)
    y = rng.integers(0, 2, n)
    x[:, 10, 0] += 1
    x[y == 1, 25, 0] += 1
    model = build_model(t, 1, 2, {**MODEL, "layers": 1, "units": 16}, 1e-2)
    model.fit(x[:300], y[:300], epochs=15, batch_size=32, verbose=0)
    accuracy = (model.predict(x[300:], verbose=0).argmax(1) == y[300:]).mean()
    assert accuracy > 0.9


def test_rr_features_join_the_last_lstm_state_in_the_head():
    model = build_model(50, 1, 5, MODEL, 1e-3, n_features=7)
    assert sorted(t.name for t in model.inputs) == ["rr", "window"]
    assert model.get_layer("lstm_and_rr").output.shape[-1] == MODEL["units"] + 7  # LSTM state + RR
    assert all(layer.recurrent_dropout == 0 for layer in lstm_layers(model))
    out = model.predict({"window": np.zeros((3, 50, 1), np.float32),
                         "rr": np.ones((3, 7), np.float32)}, verbose=0)
    assert out.shape == (3, 5)


def test_the_head_learns_from_rr_features_alone():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    n = 400
    y = rng.integers(0, 2, n)
    previous = np.where(y == 1, 0.6, 1.0) + rng.normal(0, 0.05, n)  # class 1 comes early
    rr = np.column_stack([previous, np.ones(n), previous, np.ones(n)]).astype(np.float32)
    windows = rng.normal(0, 1, (n, 20, 1)).astype(np.float32)  # morphology carries nothing
    model = build_model(20, 1, 2, {**MODEL, "layers": 1}, 1e-2, n_features=4)
    model.fit({"window": windows[:300], "rr": rr[:300]}, y[:300], epochs=20, batch_size=32, verbose=0)
    predicted = model.predict({"window": windows[300:], "rr": rr[300:]}, verbose=0).argmax(1)
    assert (predicted == y[300:]).mean() > 0.9


def test_rr_features_are_standardised_with_the_training_statistics_saved_in_the_model(tmp_path):
    rng = np.random.default_rng(0)
    rr = rng.normal([1.0, 0.05], [0.2, 0.01], (500, 2)).astype(np.float32)  # seconds, small ratio
    model = build_model(20, 1, 2, MODEL, 1e-3, n_features=2)
    model.get_layer(RR_SCALING).adapt(rr)
    scaled = model.get_layer(RR_SCALING)(rr)
    assert np.asarray(scaled).mean(0) == pytest.approx([0, 0], abs=1e-3)
    assert np.asarray(scaled).std(0) == pytest.approx([1, 1], abs=1e-2)
    inputs = {"window": rng.normal(0, 1, (4, 20, 1)).astype(np.float32), "rr": rr[:4]}
    model.save(tmp_path / "m.keras")
    reloaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(reloaded.predict(inputs, verbose=0), model.predict(inputs, verbose=0),
                               rtol=1e-5)


def test_convolutions_shorten_the_sequence_the_lstm_reads():
    model = build_model(288, 1, 5, {**MODEL, "layers": 1, "conv_filters": [4, 8]}, 1e-3)
    assert model.get_layer(FINAL_LSTM).input.shape[1:] == (72, 8)  # 288 / 2 / 2 steps, 8 filters


def test_mixed_precision_computes_in_float16_and_keeps_the_softmax_in_float32():
    keras.mixed_precision.set_dtype_policy("mixed_float16")
    try:
        model = build_model(50, 2, 4, MODEL, 1e-3)
    finally:
        keras.mixed_precision.set_dtype_policy("float32")
    lstm = model.get_layer(FINAL_LSTM)
    assert lstm.compute_dtype == "float16" and lstm.variable_dtype == "float32"
    assert model.get_layer("probabilities").compute_dtype == "float32"
    probs = model.predict(np.zeros((3, 50, 2), np.float32), verbose=0)
    assert probs.dtype == np.float32 and np.allclose(probs.sum(axis=1), 1, atol=1e-5)


def test_a_seed_ensemble_predicts_the_mean_of_its_networks_also_once_saved(tmp_path):
    networks = []
    for seed in (0, 1):
        keras.utils.set_random_seed(seed)
        networks.append(build_model(20, 1, 3, MODEL, 1e-3, n_features=2, name=f"net_seed{seed}"))
    inputs = {"window": np.random.default_rng(0).normal(0, 1, (4, 20, 1)).astype(np.float32),
              "rr": np.ones((4, 2), np.float32)}
    each = [network.predict(inputs, verbose=0) for network in networks]
    assert not np.allclose(each[0], each[1])  # two seeds, two networks
    seed_ensemble(networks).save(tmp_path / "ensemble.keras")
    ensemble = keras.saving.load_model(tmp_path / "ensemble.keras", safe_mode=True)
    np.testing.assert_allclose(ensemble.predict(inputs, verbose=0), np.mean(each, axis=0), atol=1e-6)
    first = hidden_state_network(ensemble)
    np.testing.assert_allclose(first.predict(inputs, verbose=0), each[0], atol=1e-6)
    assert first.get_layer(FINAL_LSTM) is not None
    assert hidden_state_network(networks[1]) is networks[1]


CLASSES = ["N", "SVEB", "VEB"]
GATE = {"class": "SVEB", "min_prematurity": 2.0, "otherwise": "N"}


def test_an_on_time_beat_cannot_be_sveb_its_probability_moves_to_n():
    probs = np.array([[0.2, 0.7, 0.1], [0.2, 0.7, 0.1], [0.5, 0.1, 0.4]], dtype=np.float32)
    gated = apply_premature_gate(probs, np.array([1.9, 2.0, 0.0]), GATE, CLASSES)
    np.testing.assert_allclose(gated, [[0.9, 0.0, 0.1], [0.2, 0.7, 0.1], [0.6, 0.0, 0.4]])
    assert probs[0, 1] == np.float32(0.7)  # the input stays as it was
