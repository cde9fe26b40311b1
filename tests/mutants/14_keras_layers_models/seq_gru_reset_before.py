"""sequence_model builds its GRU with reset_after=False, not Keras's default.

breaks: sequence_model
"""
import keras


def sequence_model(kind, vocab, embed_dim, units):
    if kind not in ("lstm", "gru"):
        raise ValueError(kind)
    rnn = keras.layers.LSTM(units) if kind == "lstm" else keras.layers.GRU(units, reset_after=False)
    inputs = keras.Input((None,), dtype="int32")
    return keras.Model(inputs, rnn(keras.layers.Embedding(vocab, embed_dim)(inputs)))
