"""sequence_model returns every step's state (return_sequences=True) instead of the last one.

breaks: sequence_model
"""
import keras


def sequence_model(kind, vocab, embed_dim, units):
    if kind not in ("lstm", "gru"):
        raise ValueError(kind)
    layer = keras.layers.LSTM if kind == "lstm" else keras.layers.GRU
    inputs = keras.Input((None,), dtype="int32")
    return keras.Model(inputs, layer(units, return_sequences=True)(keras.layers.Embedding(vocab, embed_dim)(inputs)))
