"""sequence_model builds a GRU for any kind other than 'lstm' instead of raising ValueError.

breaks: sequence_model
"""
import keras


def sequence_model(kind, vocab, embed_dim, units):
    rnn = keras.layers.LSTM(units) if kind == "lstm" else keras.layers.GRU(units)
    inputs = keras.Input((None,), dtype="int32")
    return keras.Model(inputs, rnn(keras.layers.Embedding(vocab, embed_dim)(inputs)))
