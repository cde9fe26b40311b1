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


if __name__ == "__main__":
    import os
    import subprocess
    import sys
    import tempfile
    import textwrap

    keras.utils.set_random_seed(0)
    two_backends = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                                     keras.layers.Dense(3, activation="softmax")])
    x_demo = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    folder = tempfile.mkdtemp(prefix="backends14-")
    two_backends.save(os.path.join(folder, "model.keras"))
    np.save(os.path.join(folder, "x.npy"), x_demo)

    def kind(t):                                   # e.g. "tensorflow EagerTensor" or "torch Tensor"
        return f"{type(t).__module__.split('.')[0]} {type(t).__name__}"

    script = textwrap.dedent("""
        import sys
        import numpy as np
        import keras
        folder = sys.argv[1]
        model = keras.saving.load_model(folder + "/model.keras")
        out = model(np.load(folder + "/x.npy"))
        np.save(folder + "/out.npy", keras.ops.convert_to_numpy(out))
        print(f"backend {keras.backend.backend():10} -> a {type(out).__module__.split('.')[0]} {type(out).__name__}")
    """)
    # A second process: KERAS_BACKEND must be set before keras is imported, and cannot change afterwards.
    run = subprocess.run([sys.executable, "-c", script, folder], env=dict(os.environ, KERAS_BACKEND="torch"),
                         capture_output=True, text=True, timeout=600)
    here = two_backends(x_demo)
    print(f"backend {keras.backend.backend():10} -> a {kind(here)}")
    print(run.stdout.strip() if run.returncode == 0 else "the torch process failed: " + run.stderr[-300:])
    if run.returncode == 0:
        diff = np.abs(np.load(os.path.join(folder, "out.npy")) - np.asarray(here)).max()
        print(f"largest difference between the two backends' outputs: {diff:.1e}")


def draw_model_types():
    # Three panels: a stack (Sequential), a graph of layer calls (Functional), a class (subclassing).
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.6))

    def box(ax, x, y, text, colour, fs=9):
        ax.text(x, y, text, ha="center", va="center", fontsize=fs, zorder=3,
                bbox=dict(boxstyle="round,pad=0.35", fc=colour, ec="0.45"))

    def arrow(ax, a, b):
        ax.annotate("", xy=b, xytext=a, arrowprops=dict(arrowstyle="-|>", color="0.35", lw=1.2,
                                                        shrinkA=12, shrinkB=14))

    io, layer = "#cde7d8", "#e8eef7"
    ax = axes[0]
    stack = [("Input((64,))", io), ("Dense(32, relu)", layer), ("Dropout(0.2)", layer), ("Dense(10, softmax)", io)]
    ys = [0.88, 0.64, 0.40, 0.16]
    for (text, colour), y in zip(stack, ys):
        box(ax, 0.5, y, text, colour)
    for y0, y1 in zip(ys, ys[1:]):
        arrow(ax, (0.5, y0), (0.5, y1))
    ax.set_title("Sequential\na stack: one input, one output,\neach layer feeds the next", fontsize=10)

    ax = axes[1]
    nodes = {"img": (0.22, 0.9, "Input 'image'", io), "meta": (0.78, 0.9, "Input 'metadata'", io),
             "conv": (0.22, 0.66, "Conv2D\n+ Flatten", layer), "dense": (0.78, 0.66, "Dense", layer),
             "cat": (0.5, 0.42, "Concatenate", layer),
             "cls": (0.22, 0.14, "Dense 'class'\n(softmax)", io), "box": (0.78, 0.14, "Dense 'box'\n(linear)", io)}
    for x, y, text, colour in nodes.values():
        box(ax, x, y, text, colour)
    for a, b in [("img", "conv"), ("meta", "dense"), ("conv", "cat"), ("dense", "cat"), ("cat", "cls"), ("cat", "box")]:
        arrow(ax, nodes[a][:2], nodes[b][:2])
    ax.set_title("Functional\na graph of layer calls: several inputs and\noutputs, branches, shared layers", fontsize=10)

    ax = axes[2]
    ax.add_patch(plt.Rectangle((0.05, 0.06), 0.9, 0.8, fc="#fbf3e4", ec="0.45", lw=1.2))
    ax.text(0.1, 0.8, "class MyModel(keras.Model)", fontsize=9, family="monospace", va="center")
    box(ax, 0.5, 0.63, "__init__: create the layers", layer, fs=8.5)
    box(ax, 0.5, 0.4, "call(x, training): any Python —\nloops, ifs, several paths", layer, fs=8.5)
    box(ax, 0.5, 0.16, "outputs", io, fs=8.5)
    arrow(ax, (0.5, 0.63), (0.5, 0.4))
    arrow(ax, (0.5, 0.4), (0.5, 0.16))
    ax.set_title("Subclassing\nPython code: full control, but no graph\nfor Keras to inspect before the first call", fontsize=10)
    for ax in axes:
        ax.set_xlim(0, 1); ax.set_ylim(0, 1); ax.axis("off")
    fig.tight_layout()


if __name__ == "__main__":
    draw_model_types()
    plt.show()


tiny = keras.Sequential([
    keras.Input((4,)),                              # one example = 4 features
    keras.layers.Dense(8, activation="relu"),       # 4*8 weights + 8 biases = 40 parameters
    keras.layers.Dense(3, activation="softmax"),    # 8*3 + 3 = 27 parameters
], name="tiny")
tiny.summary()
probs = tiny(np.ones((2, 4), dtype="float32"))      # calling a model runs it on a batch
print("output shape:", tuple(probs.shape), "| rows sum to", np.asarray(probs).sum(axis=1))


class TinySubclassed(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.classify = keras.layers.Dense(3, activation="softmax")

    def call(self, x, training=False):
        return self.classify(self.hidden(x))


tiny_sub = TinySubclassed()
print("built before the first call?", tiny_sub.built)
tiny_sub(np.ones((2, 4), dtype="float32"))
print("after one call:", tiny_sub.built, "|", tiny_sub.count_params(), "parameters, as the Sequential one")


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


if __name__ == "__main__":
    import os
    import tempfile

    path = os.path.join(tempfile.mkdtemp(prefix="plot14-"), "with_skip.png")
    keras.utils.plot_model(skip_model, to_file=path, show_shapes=True, show_layer_names=True,
                           show_layer_activations=True, dpi=72)
    drawing = plt.imread(path)
    plt.figure(figsize=(drawing.shape[1] / 72, drawing.shape[0] / 72))
    plt.imshow(drawing); plt.axis("off")
    plt.show()


def functional_two_inputs(num_dim, text_len, vocab, num_classes):
    """Two named inputs (numeric, tokens), two named outputs (label: softmax, score: linear)."""
    # TODO 1: the two named inputs, keras.Input(..., name=...), the tokens as int32.
    # TODO 2: the tokens: Embedding, then one vector per text (a global pooling over the positions).
    # TODO 3: the numeric features: a Dense layer.
    # TODO 4: Concatenate the two vectors and add a hidden Dense layer.
    # TODO 5: the two named heads, 'label' (softmax) and 'score' (linear), and return the keras.Model.
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
    # TODO 1: start from keras.Input((8, 8, 1)).
    # TODO 2: a convolution block: Conv2D (padding="same", ReLU), then BatchNormalization.
    # TODO 3: halve the resolution with MaxPooling2D or AveragePooling2D.
    # TODO 4: a second convolution block, then Dropout and Flatten.
    # TODO 5: a hidden Dense layer and Dropout, then Dense(10, activation="softmax").
    # TODO 6: return keras.Model(inputs, outputs).
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


def draw_rnn_cells():
    # LSTM and GRU cells as data-flow diagrams: each gate block is a Dense layer on [h_{t-1}, x_t]
    # followed by σ or tanh; × is an element-wise product, + an element-wise sum.
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.6))
    gate_c, op_c, state_c = "#f6d8b8", "#ffffff", "#cde7d8"

    def node(ax, x, y, text, colour, shape="round,pad=0.3", fs=9):
        ax.text(x, y, text, ha="center", va="center", fontsize=fs, bbox=dict(boxstyle=shape, fc=colour, ec="0.35"), zorder=5)

    def path(ax, pts, label=None):
        xs, ys = zip(*pts)
        ax.plot(xs[:-1], ys[:-1], color="0.35", lw=1.2)
        ax.annotate("", xy=pts[-1], xytext=pts[-2],
                    arrowprops=dict(arrowstyle="-|>", color="0.35", lw=1.2, shrinkA=0, shrinkB=10))
        if label:
            ax.text(pts[-2][0] + 0.015, (pts[-2][1] + pts[-1][1]) / 2, label, fontsize=9, color="0.2")

    def bus(ax, x_end, xs):       # [h_{t-1}, x_t] enters at the bottom left and feeds every gate
        node(ax, 0.06, 0.08, "$h_{t-1}$, $x_t$", state_c)
        ax.plot([0.06, x_end], [0.08, 0.08], color="0.35", lw=1.2)
        for x in xs:
            path(ax, [(x, 0.08), (x, 0.42)])

    # ---- LSTM ----
    ax = axes[0]
    bus(ax, 0.72, [0.24, 0.4, 0.56, 0.72])
    for x, text in [(0.24, "forget\n$f=\\sigma$"), (0.4, "input\n$i=\\sigma$"), (0.56, "candidate\n$g=\\tanh$"),
                    (0.72, "output\n$o=\\sigma$")]:
        node(ax, x, 0.42, text, gate_c, fs=8.5)
    node(ax, 0.04, 0.86, "$c_{t-1}$", state_c); node(ax, 0.97, 0.86, "$c_t$", state_c)
    node(ax, 0.24, 0.86, "×", op_c, "circle,pad=0.2"); node(ax, 0.48, 0.86, "+", op_c, "circle,pad=0.2")
    node(ax, 0.48, 0.64, "×", op_c, "circle,pad=0.2")
    node(ax, 0.86, 0.64, "tanh", op_c, fs=8); node(ax, 0.86, 0.42, "×", op_c, "circle,pad=0.2")
    node(ax, 0.97, 0.2, "$h_t$", state_c)
    path(ax, [(0.04, 0.86), (0.24, 0.86)]); path(ax, [(0.24, 0.86), (0.48, 0.86)]); path(ax, [(0.48, 0.86), (0.97, 0.86)])
    path(ax, [(0.24, 0.42), (0.24, 0.86)])
    path(ax, [(0.4, 0.42), (0.4, 0.64), (0.48, 0.64)]); path(ax, [(0.56, 0.42), (0.56, 0.64), (0.48, 0.64)])
    path(ax, [(0.48, 0.64), (0.48, 0.86)])
    path(ax, [(0.86, 0.86), (0.86, 0.64)]); path(ax, [(0.86, 0.64), (0.86, 0.42)])
    path(ax, [(0.72, 0.42), (0.86, 0.42)]); path(ax, [(0.86, 0.42), (0.86, 0.2), (0.97, 0.2)])
    ax.set_title("LSTM: $c_t = f \\times c_{t-1} + i \\times g$,   $h_t = o \\times \\tanh(c_t)$\n"
                 "4 gate blocks and two states: the cell $c$ carries long memory", fontsize=10)

    # ---- GRU ----
    ax = axes[1]
    bus(ax, 0.76, [0.2, 0.46, 0.76])
    node(ax, 0.2, 0.42, "update\n$z=\\sigma$", gate_c, fs=8.5); node(ax, 0.46, 0.42, "reset\n$r=\\sigma$", gate_c, fs=8.5)
    node(ax, 0.76, 0.42, "candidate\n$\\hat h=\\tanh(W x_t + b_x$\n$+\\ r \\times (U h_{t-1} + b_h))$",
         gate_c, fs=8.5)
    node(ax, 0.04, 0.86, "$h_{t-1}$", state_c); node(ax, 0.97, 0.86, "$h_t$", state_c)
    node(ax, 0.2, 0.86, "×", op_c, "circle,pad=0.2"); node(ax, 0.62, 0.86, "+", op_c, "circle,pad=0.2")
    node(ax, 0.38, 0.64, "1 − z", op_c, fs=8); node(ax, 0.62, 0.64, "×", op_c, "circle,pad=0.2")
    path(ax, [(0.04, 0.86), (0.2, 0.86)]); path(ax, [(0.2, 0.86), (0.62, 0.86)]); path(ax, [(0.62, 0.86), (0.97, 0.86)])
    path(ax, [(0.2, 0.42), (0.2, 0.86)], "z")
    path(ax, [(0.2, 0.64), (0.38, 0.64)]); path(ax, [(0.38, 0.64), (0.62, 0.64)])
    path(ax, [(0.76, 0.5), (0.76, 0.64), (0.62, 0.64)]); path(ax, [(0.62, 0.64), (0.62, 0.86)])
    path(ax, [(0.46, 0.42), (0.69, 0.42)], "r")
    ax.set_title("GRU: $h_t = z \\times h_{t-1} + (1 - z) \\times \\hat h$\n"
                 "3 gate blocks, one state; Keras's reset_after=True: two biases per block", fontsize=10)
    for ax in axes:
        ax.set_xlim(-0.02, 1.02); ax.set_ylim(0.0, 0.96); ax.axis("off")
    fig.tight_layout()


if __name__ == "__main__":
    draw_rnn_cells()
    plt.show()


ids = np.array([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]], dtype="int32")         # N=2 sequences of T=5 ids
vectors = keras.layers.Embedding(10, 4)(ids)                               # vocabulary 10, vectors of 4
print("Embedding:", ids.shape, "->", tuple(vectors.shape))
print("Conv1D(6, 3):", tuple(vectors.shape), "->", tuple(keras.layers.Conv1D(6, 3)(vectors).shape))
for rnn in [keras.layers.LSTM(8), keras.layers.GRU(8), keras.layers.GRU(8, return_sequences=True)]:
    out = rnn(vectors)
    shapes = [tuple(w.shape) for w in rnn.weights]
    print(f"{type(rnn).__name__}: -> {tuple(out.shape)}, weights {shapes}, {rnn.count_params()} parameters")


signal = keras.Input((None, 1))                                           # any number of time steps
h = keras.layers.Conv1D(4, 5, activation="relu")(signal)                  # 4 filters of width 5
h = keras.layers.GlobalMaxPooling1D()(h)                                  # (N, 4): max over time
detector = keras.Model(signal, keras.layers.Dense(2, activation="softmax")(h), name="signal_detector")
for steps in (20, 50):
    waves = np.sin(np.linspace(0, 6, steps, dtype="float32"))[None, :, None].repeat(3, axis=0)
    print(f"{steps} steps: {waves.shape} -> {tuple(detector(waves).shape)}")
print("parameters:", detector.count_params(), "= Conv1D 5*1*4+4 = 24, Dense 4*2+2 = 10")


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


def text_cnn(vocab, embed_dim, filters, kernel_size, num_classes):
    """Token ids of any length -> Embedding -> Conv1D (relu) -> global max pooling -> softmax."""
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(vocab, embed_dim)(inputs)                            # (N, T, embed_dim)
    x = keras.layers.Conv1D(filters, kernel_size, activation="relu")(x)             # (N, T - k + 1, filters)
    x = keras.layers.GlobalMaxPooling1D()(x)                                        # (N, filters)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)


y_true = np.array([0, 1, 2])
logits = np.array([[4.0, 0.0, -2.0], [0.0, 5.0, 0.0], [-1.0, 0.0, 3.0]], dtype="float32")   # confident and right
probs = np.asarray(keras.activations.softmax(logits))
right = keras.losses.SparseCategoricalCrossentropy()(y_true, probs)
also_right = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, logits)
wrong = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, probs)          # softmax twice
print(f"probabilities, from_logits=False: {float(right):.4f}")
print(f"logits,        from_logits=True : {float(also_right):.4f}  (the same)")
print(f"probabilities, from_logits=True : {float(wrong):.4f}  (softmax applied twice: too high, and flat)")


if __name__ == "__main__":
    toy_x = np.random.default_rng(1).standard_normal((60, 4)).astype("float32")
    toy_y = (toy_x[:, 0] > 0).astype("int64") + (toy_x[:, 1] > 0.5)            # classes 0, 1 and 2
    tiny.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy",
                 metrics=["accuracy"])
    toy_history = tiny.fit(toy_x, toy_y, epochs=3, batch_size=16, verbose=0)
    print("History keys:", sorted(toy_history.history), "| loss per epoch:", np.round(toy_history.history["loss"], 3))
    print("evaluate -> [loss, accuracy] =", np.round(tiny.evaluate(toy_x, toy_y, verbose=0), 3))
    print("predict  -> probabilities of the first two examples:\n", tiny.predict(toy_x[:2], verbose=0).round(3))


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

    with needs("digits_cnn", "compile_and_fit"):
        keras.utils.set_random_seed(0)
        cnn = digits_cnn()
        print(f"digits_cnn: {cnn.count_params():,} parameters")
        history = compile_and_fit(cnn, x_train, y_train, epochs=20)
        test_loss, test_acc = cnn.evaluate(x_test, y_test, verbose=0)
        print(f"test loss {test_loss:.4f}, test accuracy {test_acc:.4f}")

        probs = cnn.predict(x_test[:8], verbose=0)
        fig = plt.figure(figsize=(12, 5))
        grid = fig.add_gridspec(2, 8, height_ratios=[2.2, 1])
        for k, (key, title) in enumerate([("loss", "training loss"), ("accuracy", "training accuracy")]):
            ax = fig.add_subplot(grid[0, 4 * k:4 * k + 4])
            ax.plot(range(1, 21), history.history[key], marker="o", ms=3)
            ax.set_title(title); ax.set_xlabel("epoch")
        for i in range(8):
            ax = fig.add_subplot(grid[1, i])
            ax.imshow(x_test[i, :, :, 0], cmap="gray_r"); ax.axis("off")
            ax.set_title(f"pred {probs[i].argmax()} ({probs[i].max():.2f})\ntrue {y_test[i]}", fontsize=8)
        fig.tight_layout()
        plt.show()
