"""Hidden tests of sequence_model: Embedding then a Keras-default LSTM or GRU, checked against a
NumPy forward pass with the model's own weights (set to random values), on any sequence length."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_sequence(mod, kind, vocab, embed_dim, units, tokens, other, seed):
    model = mod.sequence_model(kind, vocab, embed_dim, units)
    gen = np.random.default_rng(seed)
    weights = [gen.normal(0, 0.5, tuple(int(s) for s in w.shape)).astype("float32") for w in model.weights]
    model.set_weights(weights)
    out = {"input_shape": [None if d is None else int(d) for d in model.inputs[0].shape],
           "input_dtype": str(model.inputs[0].dtype),
           "kinds": [type(layer).__name__ for layer in model._flatten_layers(include_self=False, recursive=True)],
           "weights": weights, "output": np.asarray(model(tf.constant(tokens), training=False))}
    out["other_output"] = np.asarray(model(tf.constant(other), training=False))
    return out


@probe
def probe_bad_kind(mod, vocab, embed_dim, units, kinds):
    mod.sequence_model("lstm", vocab, embed_dim, units)  # a valid kind must build
    raised = []
    for kind in kinds:
        try:
            mod.sequence_model(kind, vocab, embed_dim, units)
            raised.append(None)
        except ValueError:
            raised.append("ValueError")
        except Exception as exc:
            raised.append(type(exc).__name__)
    return raised


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _find(weights, shape):
    found = [w.astype(np.float64) for w in weights if tuple(w.shape) == shape]
    return found[0] if len(found) == 1 else None


def _lstm(x, kernel, recurrent, bias, units):
    h = np.zeros((x.shape[0], units))
    c = np.zeros_like(h)
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
    return h


def _gru(x, kernel, recurrent, bias, units):   # reset_after=True: separate input and recurrent biases
    h = np.zeros((x.shape[0], units))
    for t in range(x.shape[1]):
        mx = x[:, t] @ kernel + bias[0]
        mh = h @ recurrent + bias[1]
        xz, xr, xh = (mx[:, k * units:(k + 1) * units] for k in range(3))
        hz, hr, hh = (mh[:, k * units:(k + 1) * units] for k in range(3))
        z, r = _sigmoid(xz + hz), _sigmoid(xr + hr)
        h = z * h + (1 - z) * np.tanh(xh + r * hh)
    return h


def _draw(rng):
    vocab, embed_dim, units = int(rng.integers(20, 50)), int(rng.integers(3, 8)), int(rng.integers(9, 16))
    n, length = int(rng.integers(3, 7)), int(rng.integers(4, 9))
    tokens = rng.integers(1, vocab, (n, length)).astype("int32")
    other = rng.integers(1, vocab, (n, int(rng.integers(10, 15)))).astype("int32")
    return vocab, embed_dim, units, tokens, other, int(rng.integers(0, 2**31 - 1))


def _drawn_weights(weights, seed):
    """The weights the probe set, drawn again here from the seed in the order of the model's weights."""
    gen = np.random.default_rng(seed)
    return [gen.normal(0, 0.5, w.shape).astype("float32") for w in weights]


def _check_forward(got, kind, vocab, embed_dim, units, tokens, seed, key="output"):
    name = {"lstm": "LSTM", "gru": "GRU"}[kind]
    expect(isinstance(got["kinds"], list) and name in got["kinds"],
           f"sequence_model({kind!r}, ...) should use a keras.layers.{name} layer")
    out = got[key]
    expect(type(out) is np.ndarray and out.shape == (len(tokens), units),
           f"sequence_model({kind!r}, ...) should return only the last state, shape (batch, units)")
    gates = 4 if kind == "lstm" else 3
    weights = got["weights"]
    expect(isinstance(weights, list) and all(type(w) is np.ndarray and w.dtype.kind == "f" for w in weights),
           f"sequence_model({kind!r}, ...) should hold an Embedding and a {name} layer")
    expect(len(weights) == 4 and all(np.array_equal(a, b) for a, b in zip(weights, _drawn_weights(weights, seed))),
           f"sequence_model({kind!r}, ...) should hold exactly an Embedding(vocab, embed_dim) and a "
           f"{name}(units) with Keras's default settings, whose weights set_weights can replace")
    embedding = _find(weights, (vocab, embed_dim))
    kernel = _find(weights, (embed_dim, gates * units))
    recurrent = _find(weights, (units, gates * units))
    bias = _find(weights, (gates * units,) if kind == "lstm" else (2, gates * units))
    expect(len(weights) == 4 and all(w is not None for w in (embedding, kernel, recurrent, bias)),
           f"sequence_model({kind!r}, ...) should hold exactly an Embedding(vocab, embed_dim) and a "
           f"{name}(units) with Keras's default settings")
    step = _lstm if kind == "lstm" else _gru
    expected = step(embedding[tokens], kernel, recurrent, bias, units)
    close(out, expected, f"sequence_model({kind!r}, ...) should compute Embedding then {name} (Keras defaults) "
                         "and return the last hidden state", rtol=1e-3, atol=1e-4)


def _run_forward(sub, rng, kind):
    vocab, embed_dim, units, tokens, other, seed = _draw(rng)
    got = sub.run(probe_sequence, kind, vocab, embed_dim, units, tokens, other, seed)
    _check_forward(got, kind, vocab, embed_dim, units, tokens, seed)


@graded("sequence_model", points=2)
def test_sequence_model_lstm_is_embedding_then_lstm(sub, rng):
    _run_forward(sub, rng, "lstm")


@graded("sequence_model", points=2)
def test_sequence_model_gru_is_embedding_then_gru(sub, rng):
    _run_forward(sub, rng, "gru")


@graded("sequence_model", points=1)
def test_sequence_model_takes_token_ids_of_any_length(sub, rng):
    vocab, embed_dim, units, tokens, other, seed = _draw(rng)
    kind = ["lstm", "gru"][int(rng.integers(0, 2))]
    got = sub.run(probe_sequence, kind, vocab, embed_dim, units, tokens, other, seed)
    expect(got["input_shape"] == [None, None] and "int" in got["input_dtype"],
           "sequence_model should start from keras.Input((None,), dtype='int32'): integer ids, any length")
    _check_forward(got, kind, vocab, embed_dim, units, tokens, seed)
    _check_forward(got, kind, vocab, embed_dim, units, other, seed, key="other_output")


@graded("sequence_model", points=1)
def test_sequence_model_rejects_unknown_kind(sub, rng):
    vocab, embed_dim, units = int(rng.integers(20, 50)), int(rng.integers(3, 8)), int(rng.integers(9, 16))
    kinds = list(rng.permutation(["rnn", "transformer", "conv1d", "simple_rnn", "bilstm"])[:3])
    raised = sub.run(probe_bad_kind, vocab, embed_dim, units, [str(k) for k in kinds])
    expect(all(r == "ValueError" for r in raised), "sequence_model should raise ValueError for a kind other "
                                                   "than 'lstm' or 'gru'")
