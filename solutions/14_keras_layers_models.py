"""Reference solution of 14_keras_layers_models.

Generated from source/14_keras_layers_models/14_keras_layers_models.ipynb by `dlcourse build`; do not edit.
"""


import numpy as np
import tensorflow as tf
import keras

if __name__ == "__main__":  # plots are for reading the notebook, not for grading
    import matplotlib.pyplot as plt

print("TensorFlow", tf.__version__, "| Keras", keras.__version__, "| backend:", keras.backend.backend())


def draw_tree(ax):
    # Boxes (x, y, text) and arrows (from, to, label): the framework decision tree.
    boxes = {
        "dl": (0.5, 0.9, "deep learning?"),
        "sk": (0.15, 0.62, "scikit-learn"),
        "dep": (0.62, 0.62, "deployment?\n(mobile, edge, browser,\nTPU, serving)"),
        "tf": (0.35, 0.32, "TensorFlow"),
        "res": (0.82, 0.32, "research?\n(custom architectures,\ndynamic graphs, loops)"),
        "pt": (0.62, 0.05, "PyTorch"),
        "ke": (0.95, 0.05, "Keras"),
    }
    leaves = {"sk", "tf", "pt", "ke"}
    arrows = [("dl", "sk", "no"), ("dl", "dep", "yes"), ("dep", "tf", "yes"), ("dep", "res", "no"),
              ("res", "pt", "yes"), ("res", "ke", "no")]
    for a, b, label in arrows:
        (x0, y0, _), (x1, y1, _) = boxes[a], boxes[b]
        ax.annotate("", xy=(x1, y1 + 0.06), xytext=(x0, y0 - 0.06),
                    arrowprops=dict(arrowstyle="->", color="0.4"))
        ax.text((x0 + x1) / 2, (y0 + y1) / 2, label, fontsize=9, color="0.3", ha="center")
    for key, (x, y, text) in boxes.items():
        colour = "#cde7d8" if key in leaves else "#e8eef7"
        ax.text(x, y, text, ha="center", va="center", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.4", fc=colour, ec="0.5"))
    ax.set_xlim(0, 1.1); ax.set_ylim(-0.05, 1.0); ax.axis("off")
    ax.set_title("Which framework? Ask the questions top to bottom")


if __name__ == "__main__":
    fig, ax = plt.subplots(figsize=(8, 5))
    draw_tree(ax)
    plt.show()


tiny = keras.Sequential([
    keras.Input((4,)),                              # one example = 4 features
    keras.layers.Dense(8, activation="relu"),       # 4*8 weights + 8 biases = 40 parameters
    keras.layers.Dense(3, activation="softmax"),    # 8*3 + 3 = 27 parameters
], name="tiny")
tiny.summary()
probs = tiny(np.ones((2, 4), dtype="float32"))      # calling a model runs it on a batch
print("output shape:", tuple(probs.shape), "| rows sum to", np.asarray(probs).sum(axis=1))


def sequential_mlp(input_dim, hidden, num_classes, dropout):
    """Input -> [Dense(h, relu), Dropout(dropout)] per hidden size -> Dense(num_classes, softmax)."""
    layers = [keras.Input((input_dim,))]
    for units in hidden:
        layers.append(keras.layers.Dense(units, activation="relu"))
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(num_classes, activation="softmax"))
    return keras.Sequential(layers)


inputs = keras.Input((6,), name="features")
h = keras.layers.Dense(6, activation="relu", name="hidden")(inputs)
h = keras.layers.Add(name="skip")([inputs, h])              # a merge: a stack cannot do this
outputs = keras.layers.Dense(2, activation="softmax", name="probs")(h)
skip_model = keras.Model(inputs=inputs, outputs=outputs, name="with_skip")
skip_model.summary()
print("inputs:", [t.name for t in skip_model.inputs], "| outputs:", skip_model.output_names)


def functional_two_inputs(num_dim, text_len, vocab, num_classes):
    """Two named inputs (numeric, tokens), two named outputs (label: softmax, score: linear)."""
    numeric = keras.Input((num_dim,), name="numeric")
    tokens = keras.Input((text_len,), dtype="int32", name="tokens")
    text = keras.layers.Embedding(vocab, 16)(tokens)             # (batch, text_len, 16)
    text = keras.layers.GlobalAveragePooling1D()(text)            # (batch, 16)
    num = keras.layers.Dense(16, activation="relu")(numeric)      # (batch, 16)
    h = keras.layers.Concatenate()([num, text])
    h = keras.layers.Dense(32, activation="relu")(h)
    label = keras.layers.Dense(num_classes, activation="softmax", name="label")(h)
    score = keras.layers.Dense(1, name="score")(h)
    return keras.Model(inputs=[numeric, tokens], outputs=[label, score])


x_img = np.random.default_rng(0).uniform(0, 1, (2, 8, 8, 1)).astype("float32")   # N=2 images 8x8, 1 channel
for layer in [keras.layers.Conv2D(4, 3, padding="same"), keras.layers.Conv2D(4, 3),
              keras.layers.MaxPooling2D(2), keras.layers.AveragePooling2D(2), keras.layers.Flatten(),
              keras.layers.Dropout(0.5), keras.layers.BatchNormalization()]:
    y_img = layer(x_img)
    print(f"{type(layer).__name__:20s} {str(tuple(x_img.shape)):15s} -> {str(tuple(y_img.shape)):15s}"
          f" parameters: {layer.count_params():3d}  (trainable {sum(int(np.prod(w.shape)) for w in layer.trainable_weights)})")


if __name__ == "__main__":
    from sklearn.datasets import load_digits

    digit = (load_digits().images[0] / 16.0).astype("float32")[None, :, :, None]   # (1, 8, 8, 1)
    filters = np.stack([np.array([[-1, 0, 1]] * 3), np.array([[-1, 0, 1]] * 3).T, np.full((3, 3), 1 / 9)], axis=-1)
    conv = keras.layers.Conv2D(3, 3, padding="same", use_bias=False)
    conv.build((None, 8, 8, 1))
    conv.set_weights([filters[:, :, None, :].astype("float32")])
    maps = np.asarray(conv(digit))[0]
    pooled_max = np.asarray(keras.layers.MaxPooling2D(2)(maps[None, :, :, :1]))[0, :, :, 0]
    pooled_avg = np.asarray(keras.layers.AveragePooling2D(2)(maps[None, :, :, :1]))[0, :, :, 0]
    panels = [(digit[0, :, :, 0], "the digit"), (maps[:, :, 0], "vertical edges"),
              (maps[:, :, 1], "horizontal edges"), (maps[:, :, 2], "blur"),
              (pooled_max, "max-pooled (4x4)"), (pooled_avg, "average-pooled (4x4)")]
    fig, axes = plt.subplots(1, 6, figsize=(13, 2.5))
    for ax, (img, title) in zip(axes, panels):
        ax.imshow(img, cmap="gray"); ax.set_title(title, fontsize=9); ax.axis("off")
    plt.show()


def digits_cnn():
    """A small CNN for 8x8x1 digit images (pixels / 16) giving 10 class probabilities."""
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)   # (8, 8, 8)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.MaxPooling2D(2)(x)                                        # (4, 4, 8)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(x)       # (4, 4, 16)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Dropout(0.25)(x)
    x = keras.layers.Flatten()(x)                                              # (256,)
    x = keras.layers.Dense(64, activation="relu")(x)
    x = keras.layers.Dropout(0.3)(x)
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="digits_cnn")


ids = np.array([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]], dtype="int32")         # N=2 sequences of T=5 ids
vectors = keras.layers.Embedding(10, 4)(ids)                               # vocabulary 10, vectors of 4
print("Embedding:", ids.shape, "->", tuple(vectors.shape))
print("Conv1D(6, 3):", tuple(vectors.shape), "->", tuple(keras.layers.Conv1D(6, 3)(vectors).shape))
for rnn in [keras.layers.LSTM(8), keras.layers.GRU(8), keras.layers.GRU(8, return_sequences=True)]:
    out = rnn(vectors)
    shapes = [tuple(w.shape) for w in rnn.weights]
    print(f"{type(rnn).__name__}: -> {tuple(out.shape)}, weights {shapes}, {rnn.count_params()} parameters")


def rnn_param_count(kind, input_dim, units):
    """Number of parameters of keras.layers.LSTM(units) / GRU(units) on inputs of width input_dim."""
    per_gate = units * (input_dim + units) + units       # input kernel, recurrent kernel, one bias
    if kind == "lstm":
        return 4 * per_gate                              # input, forget, cell, output
    if kind == "gru":
        return 3 * (per_gate + units)                    # update, reset, candidate; reset_after: 2 biases
    raise ValueError(f"kind must be 'lstm' or 'gru', not {kind!r}")


def sequence_model(kind, vocab, embed_dim, units):
    """Token ids of any length -> Embedding -> LSTM or GRU (Keras defaults) -> (batch, units)."""
    if kind == "lstm":
        rnn = keras.layers.LSTM(units)
    elif kind == "gru":
        rnn = keras.layers.GRU(units)
    else:
        raise ValueError(f"kind must be 'lstm' or 'gru', not {kind!r}")
    inputs = keras.Input((None,), dtype="int32")
    return keras.Model(inputs, rnn(keras.layers.Embedding(vocab, embed_dim)(inputs)))


y_true = np.array([0, 1, 2])
logits = np.array([[4.0, 0.0, -2.0], [0.0, 5.0, 0.0], [-1.0, 0.0, 3.0]], dtype="float32")   # confident and right
probs = np.asarray(keras.activations.softmax(logits))
right = keras.losses.SparseCategoricalCrossentropy()(y_true, probs)
also_right = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, logits)
wrong = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, probs)          # softmax twice
print(f"probabilities, from_logits=False: {float(right):.4f}")
print(f"logits,        from_logits=True : {float(also_right):.4f}  (the same)")
print(f"probabilities, from_logits=True : {float(wrong):.4f}  (softmax applied twice: too high, and flat)")


def compile_and_fit(model, x, y, epochs):
    """Compile with Adam(1e-3), sparse categorical cross-entropy and accuracy; fit; return the History."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(),   # on probabilities: from_logits=False
                  metrics=["accuracy"])
    return model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)


if __name__ == "__main__":
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    train_idx, test_idx = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)
    X = (X / 16.0).astype("float32").reshape(-1, 8, 8, 1)
    x_train, y_train, x_test, y_test = X[train_idx], y[train_idx], X[test_idx], y[test_idx]

    keras.utils.set_random_seed(0)
    cnn = digits_cnn()
    cnn.summary()
    history = compile_and_fit(cnn, x_train, y_train, epochs=20)
    test_loss, test_acc = cnn.evaluate(x_test, y_test, verbose=0)
    print(f"test loss {test_loss:.4f}, test accuracy {test_acc:.4f}")

    fig, axes = plt.subplots(1, 2, figsize=(9, 3))
    axes[0].plot(history.history["loss"]); axes[0].set_title("training loss"); axes[0].set_xlabel("epoch")
    axes[1].plot(history.history["accuracy"]); axes[1].set_title("training accuracy"); axes[1].set_xlabel("epoch")
    plt.show()

    probs = cnn.predict(x_test[:8], verbose=0)
    fig, axes = plt.subplots(1, 8, figsize=(12, 2))
    for ax, img, p, true in zip(axes, x_test[:8], probs, y_test[:8]):
        ax.imshow(img[:, :, 0], cmap="gray_r"); ax.axis("off")
        ax.set_title(f"pred {p.argmax()} ({p.max():.2f})\ntrue {true}", fontsize=8)
    plt.show()
