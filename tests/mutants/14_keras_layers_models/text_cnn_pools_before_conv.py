"""text_cnn max-pools over positions in the embedding (pooling, then a Conv1D of one position).

breaks: text_cnn
"""
import keras


def text_cnn(vocab, embed_dim, filters, kernel_size, num_classes):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(vocab, embed_dim)(inputs)
    x = keras.layers.MaxPooling1D(kernel_size)(x)
    x = keras.layers.Conv1D(filters, 1, activation="relu")(x)
    x = keras.layers.GlobalMaxPooling1D()(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(x))
