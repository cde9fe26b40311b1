"""Hidden tests of sequential_mlp: a Sequential model from keras.Input, a ReLU Dense layer and a
Dropout per hidden size, a softmax output layer."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_mlp(mod, input_dim, hidden, num_classes, rate, x):
    model = mod.sequential_mlp(input_dim, list(hidden), num_classes, rate)
    out = {"sequential": isinstance(model, keras.Sequential)}
    try:
        out["input_shape"] = [None if d is None else int(d) for d in model.inputs[0].shape]
        out["output_shape"] = [None if d is None else int(d) for d in model.outputs[0].shape]
    except Exception:
        out["input_shape"] = out["output_shape"] = None
    xt = tf.constant(x)
    out["eval"] = np.asarray(model(xt, training=False))
    out["train"] = np.asarray(model(xt, training=True))
    out["train_again"] = np.asarray(model(xt, training=True))
    layers = list(model.layers)
    out["kinds"] = [type(layer).__name__ for layer in layers]
    out["rates"] = [float(layer.rate) for layer in layers if isinstance(layer, keras.layers.Dropout)]
    out["dense"] = [[np.asarray(layer.kernel), np.asarray(layer.bias)] for layer in layers
                    if isinstance(layer, keras.layers.Dense)]
    return out


def _draw(rng):
    input_dim = int(rng.integers(3, 9))
    hidden = [int(h) for h in rng.integers(4, 13, size=int(rng.integers(1, 4)))]
    num_classes = int(rng.integers(2, 6))
    rate = float(np.round(rng.uniform(0.3, 0.6), 2))
    x = rng.standard_normal((int(rng.integers(20, 40)), input_dim)).astype("float32")
    return input_dim, hidden, num_classes, rate, x


def _is_array(value, shape) -> bool:
    """A plain numeric NumPy array of exactly this shape (checked before any arithmetic on it)."""
    return type(value) is np.ndarray and value.dtype.kind in "fiu" and value.shape == tuple(shape)


def _expect_forward(got, input_dim, hidden, num_classes, x):
    """At inference the model computes ReLU layers of the sizes in `hidden`, then a softmax."""
    dense = got["dense"]
    sizes = [input_dim] + list(hidden) + [num_classes]
    expect(isinstance(dense, list) and len(dense) == len(hidden) + 1,
           "the model should hold one Dense layer per hidden size plus the output layer")
    for (kernel, bias), d_in, d_out in zip(dense, sizes, sizes[1:]):
        expect(_is_array(kernel, (d_in, d_out)) and _is_array(bias, (d_out,)),
               "the Dense layers' sizes should follow `hidden`, in order, then num_classes")
    h = x.astype(np.float64)
    for i, (kernel, bias) in enumerate(dense):
        h = h @ kernel.astype(np.float64) + bias.astype(np.float64)
        if i < len(dense) - 1:
            h = np.maximum(h, 0.0)
    h = np.exp(h - h.max(axis=1, keepdims=True))
    h /= h.sum(axis=1, keepdims=True)
    close(got["eval"], h, "at inference the model should compute ReLU hidden layers and a softmax output "
                          "(class probabilities)", rtol=1e-4, atol=1e-5)


@graded("sequential_mlp", points=1)
def test_sequential_mlp_is_a_sequential_built_from_an_input(sub, rng):
    input_dim, hidden, num_classes, rate, x = _draw(rng)
    got = sub.run(probe_mlp, input_dim, hidden, num_classes, rate, x)
    expect(got["sequential"] is True, "sequential_mlp should return a keras.Sequential model")
    expect(got["input_shape"] == [None, input_dim],
           "sequential_mlp's model should start from keras.Input((input_dim,)), so that it is built "
           "(inputs known) as soon as it is created")
    expect(got["output_shape"] == [None, num_classes], "the model's output should have num_classes columns")
    _expect_forward(got, input_dim, hidden, num_classes, x)


@graded("sequential_mlp", points=2)
def test_sequential_mlp_computes_relu_layers_then_softmax(sub, rng):
    input_dim, hidden, num_classes, rate, x = _draw(rng)
    got = sub.run(probe_mlp, input_dim, hidden, num_classes, rate, x)
    _expect_forward(got, input_dim, hidden, num_classes, x)


@graded("sequential_mlp", points=2)
def test_sequential_mlp_puts_dropout_after_each_hidden_layer(sub, rng):
    input_dim, hidden, num_classes, rate, x = _draw(rng)
    got = sub.run(probe_mlp, input_dim, hidden, num_classes, rate, x)
    expected = ["Dense", "Dropout"] * len(hidden) + ["Dense"]
    expect(got["kinds"] == expected, "the layers should be, in order, Dense then Dropout for every hidden size, "
                                     "then the output Dense layer")
    close(got["rates"], [rate] * len(hidden), "every Dropout layer should drop at the rate `dropout`")
    _expect_forward(got, input_dim, hidden, num_classes, x)
    shape = (len(x), num_classes)
    expect(_is_array(got["train"], shape) and _is_array(got["train_again"], shape),
           "with training=True the model should still return one row of num_classes probabilities per example")
    expect(not np.allclose(got["train"], got["eval"]) and not np.allclose(got["train"], got["train_again"]),
           "with training=True the dropout layers should change the output from call to call")
