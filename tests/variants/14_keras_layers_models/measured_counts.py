"""Another correct 14: rnn_param_count measured by building the Keras layer itself, a
sequential_mlp from a list comprehension, a functional model returning a list of outputs, and a
digits_cnn with max pooling written in the functional style with a named Sequential block.

covers: rnn_param_count, sequential_mlp, functional_two_inputs, digits_cnn
"""
import keras


def rnn_param_count(kind, input_dim, units):
    layers = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
    if kind not in layers:
        raise ValueError(f"kind must be lstm or gru, got {kind!r}")
    layer = layers[kind](units)
    layer.build((None, None, input_dim))
    return int(layer.count_params())


def sequential_mlp(input_dim, hidden, num_classes, dropout):
    blocks = [layer for h in hidden for layer in (keras.layers.Dense(h, "relu"), keras.layers.Dropout(dropout))]
    return keras.Sequential([keras.Input((input_dim,)), *blocks, keras.layers.Dense(num_classes, "softmax")])


def functional_two_inputs(num_dim, text_len, vocab, num_classes):
    tokens = keras.Input((text_len,), dtype="int32", name="tokens")
    numeric = keras.Input((num_dim,), name="numeric")
    emb = keras.layers.GlobalMaxPooling1D()(keras.layers.Embedding(vocab, 12)(tokens))
    h = keras.layers.Dense(32, "relu")(keras.layers.Concatenate()([emb, numeric]))
    score = keras.layers.Dense(1, name="score")(h)
    label = keras.layers.Dense(num_classes, "softmax", name="label")(h)
    return keras.Model([tokens, numeric], [score, label])


def digits_cnn():
    inputs = keras.Input(shape=(8, 8, 1))
    block = keras.Sequential([keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
                              keras.layers.BatchNormalization(),
                              keras.layers.MaxPooling2D()], name="block")
    x = keras.layers.Flatten()(block(inputs))
    x = keras.layers.Dropout(0.25)(keras.layers.Dense(64, activation="relu")(x))
    return keras.Model(inputs=inputs, outputs=keras.layers.Dense(10, activation="softmax")(x))
