"""text_cnn fixes the text length (keras.Input((20,))) and flattens the responses instead of pooling them.

breaks: text_cnn
"""
import keras


def text_cnn(vocab, embed_dim, filters, kernel_size, num_classes):
    inputs = keras.Input((20,), dtype="int32")
    x = keras.layers.Embedding(vocab, embed_dim)(inputs)
    x = keras.layers.Conv1D(filters, kernel_size, activation="relu")(x)
    x = keras.layers.Flatten()(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(x))
