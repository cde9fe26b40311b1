"""text_cnn leaves the convolution linear (no ReLU before the max pooling).

breaks: text_cnn
"""
import keras


def text_cnn(vocab, embed_dim, filters, kernel_size, num_classes):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(vocab, embed_dim)(inputs)
    x = keras.layers.Conv1D(filters, kernel_size)(x)
    x = keras.layers.GlobalMaxPooling1D()(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(x))
