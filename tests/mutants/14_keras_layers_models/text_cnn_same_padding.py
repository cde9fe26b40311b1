"""text_cnn pads the texts (Conv1D padding="same"): windows that hang over the ends add positions to the maximum.

breaks: text_cnn
"""
import keras


def text_cnn(vocab, embed_dim, filters, kernel_size, num_classes):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(vocab, embed_dim)(inputs)
    x = keras.layers.Conv1D(filters, kernel_size, activation="relu", padding="same")(x)
    x = keras.layers.GlobalMaxPooling1D()(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(x))
