"""sequence_model builds a GRU for 'lstm' and an LSTM for 'gru'.

breaks: sequence_model
"""
import keras


def sequence_model(kind, vocab, embed_dim, units):
    if kind not in ("lstm", "gru"):
        raise ValueError(kind)
    rnn = keras.layers.GRU(units) if kind == "lstm" else keras.layers.LSTM(units)
    inputs = keras.Input((None,), dtype="int32")
    return keras.Model(inputs, rnn(keras.layers.Embedding(vocab, embed_dim)(inputs)))
