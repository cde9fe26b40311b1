"""sequence_model fixes the sequence length (keras.Input((8,))) and takes float inputs.

breaks: sequence_model
"""
import keras


def sequence_model(kind, vocab, embed_dim, units):
    if kind not in ("lstm", "gru"):
        raise ValueError(kind)
    rnn = keras.layers.LSTM(units) if kind == "lstm" else keras.layers.GRU(units)
    inputs = keras.Input((8,))
    return keras.Model(inputs, rnn(keras.layers.Embedding(vocab, embed_dim)(inputs)))
