"""The many-to-one LSTM classifier, kept inside the constraints of the fused cuDNN kernel, and a
seed ensemble of such networks.

References
----------
Lakshminarayanan B, Pritzel A, Blundell C. Simple and scalable predictive uncertainty estimation
using deep ensembles. NeurIPS 2017.
"""

from __future__ import annotations

import keras
import numpy as np

FINAL_LSTM = "lstm_final"  # the layer whose last hidden state summarises a window
RR_SCALING = "rr_scaling"  # standardises the RR features; train adapts it to the training split
NETWORK = "signalrnn_lstm"  # a single network; in a seed ensemble, its networks are f"{NETWORK}_seed<k>"
ENSEMBLE = "seed_ensemble"


def build_model(
    n_timesteps: int, n_channels: int, n_classes: int, model_cfg: dict, learning_rate: float,
    n_features: int = 0, name: str = NETWORK,
) -> keras.Model:
    """windows (T, C) -> [strided convolutions] -> LSTM layer(s) -> dense softmax over ``n_classes``.

    With ``n_features`` > 0 a second input ``rr`` (e.g. RR intervals), standardised by the
    ``RR_SCALING`` layer (identity until adapted), joins the last LSTM state in a hidden ReLU layer
    before the softmax. Every LSTM keeps tanh / sigmoid activations, no recurrent dropout,
    use_bias and unroll=False, so TensorFlow runs the fused cuDNN kernel on a GPU.
    """
    inputs = keras.Input((n_timesteps, n_channels), name="window")
    x = inputs
    for i, filters in enumerate(model_cfg["conv_filters"]):
        x = keras.layers.Conv1D(filters, model_cfg["conv_kernel"], strides=model_cfg["conv_stride"],
                                padding="same", activation="relu", name=f"conv_{i}")(x)
    for i in range(model_cfg["layers"]):
        last = i == model_cfg["layers"] - 1
        lstm = keras.layers.LSTM(
            model_cfg["units"], return_sequences=not last,
            name=FINAL_LSTM if last and not model_cfg["bidirectional"] else f"lstm_{i}",
        )
        if model_cfg["bidirectional"]:
            lstm = keras.layers.Bidirectional(lstm, name=FINAL_LSTM if last else f"bilstm_{i}")
        x = lstm(x)
        if model_cfg["dropout"] > 0:
            x = keras.layers.Dropout(model_cfg["dropout"], name=f"dropout_{i}")(x)
    if n_features:
        features = keras.Input((n_features,), name="rr")
        scaled = keras.layers.Normalization(name=RR_SCALING)(features)
        x = keras.layers.Concatenate(name="lstm_and_rr")([x, scaled])
        x = keras.layers.Dense(model_cfg["units"], activation="relu", name="head")(x)
        inputs = {"window": inputs, "rr": features}
    # float32 softmax, also under mixed precision: probabilities are reported and calibrated
    outputs = keras.layers.Dense(n_classes, activation="softmax", dtype="float32", name="probabilities")(x)
    model = keras.Model(inputs, outputs, name=name)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def seed_ensemble(networks: list[keras.Model]) -> keras.Model:
    """One model whose probabilities are the mean of ``networks``' (the same architecture trained
    from different seeds, Lakshminarayanan et al. 2017); it takes the same inputs, so evaluate and
    predict use it as they use one network. The networks need distinct names."""
    inputs = {tensor.name: keras.Input(tensor.shape[1:], name=tensor.name)
              for tensor in networks[0].inputs}
    x = inputs if len(inputs) > 1 else next(iter(inputs.values()))
    # float32, also under mixed precision, as the networks' own softmax
    mean = keras.layers.Average(name="probabilities", dtype="float32")([network(x) for network in networks])
    return keras.Model(x, mean, name=ENSEMBLE)


def hidden_state_network(model: keras.Model) -> keras.Model:
    """The network whose ``FINAL_LSTM`` state describes a window: ``model`` itself, or the first
    network of a seed ensemble."""
    if model.name != ENSEMBLE:
        return model
    return next(layer for layer in model.layers if isinstance(layer, keras.Model))


def apply_premature_gate(probs: np.ndarray, prematurity: np.ndarray, gate: dict,
                         classes: list[str]) -> np.ndarray:
    """``probs`` (n, classes) after ``model.premature_gate``: a window whose ``prematurity``
    (window.PREMATURITY) is below ``min_prematurity`` cannot be ``class``; that class's
    probability moves to ``otherwise``."""
    gated, on_time = probs.copy(), np.asarray(prematurity) < gate["min_prematurity"]
    early, otherwise = classes.index(gate["class"]), classes.index(gate["otherwise"])
    gated[on_time, otherwise] += gated[on_time, early]
    gated[on_time, early] = 0
    return gated
