"""Another correct 14: sequential_mlp built with .add() calls, functional_two_inputs with a
dict of outputs and an LSTM text branch, digits_cnn as a Sequential with average pooling,
sequence_model from a dict of layer classes, rnn_param_count from the closed forms written out,
compile_and_fit with string identifiers.

covers: sequential_mlp, functional_two_inputs, digits_cnn, sequence_model, rnn_param_count, compile_and_fit
"""
import keras


def sequential_mlp(input_dim, hidden, num_classes, dropout):
    model = keras.Sequential()
    model.add(keras.Input(shape=(input_dim,)))
    for h in hidden:
        model.add(keras.layers.Dense(h, activation="relu"))
        model.add(keras.layers.Dropout(rate=dropout))
    model.add(keras.layers.Dense(num_classes, activation="softmax"))
    return model


def functional_two_inputs(num_dim, text_len, vocab, num_classes):
    numeric = keras.Input(shape=(num_dim,), dtype="float32", name="numeric")
    tokens = keras.Input(shape=(text_len,), dtype="int32", name="tokens")
    t = keras.layers.Embedding(input_dim=vocab, output_dim=8)(tokens)
    t = keras.layers.LSTM(8)(t)
    h = keras.layers.concatenate([numeric, t])
    h = keras.layers.Dense(24, activation="relu")(h)
    return keras.Model(inputs={"numeric": numeric, "tokens": tokens},
                       outputs={"label": keras.layers.Dense(num_classes, activation="softmax", name="label")(h),
                                "score": keras.layers.Dense(1, name="score")(h)})


def digits_cnn():
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.AveragePooling2D(pool_size=2),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


def sequence_model(kind, vocab, embed_dim, units):
    layer_classes = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
    if kind not in layer_classes:
        raise ValueError(f"unknown kind {kind!r}")
    return keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                             keras.layers.Embedding(vocab, embed_dim),
                             layer_classes[kind](units)])


def rnn_param_count(kind, input_dim, units):
    d, u = int(input_dim), int(units)
    if kind == "lstm":
        return 4 * u * d + 4 * u * u + 4 * u
    if kind == "gru":
        return 3 * u * d + 3 * u * u + 2 * 3 * u
    raise ValueError(kind)


def compile_and_fit(model, x, y, epochs):
    model.compile(optimizer=keras.optimizers.Adam(0.001), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x=x, y=y, batch_size=32, epochs=epochs, verbose=0)
    return history
