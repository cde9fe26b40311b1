"""Hidden tests of LinearLayer: lazy weights, initialisers, outputs, no Dense inside,
keyword arguments, get_config, and a .keras round trip."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe

ACTIVATIONS = {
    None: lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
}


def _shapes(shapes):
    return sorted(tuple(int(d) for d in s) for s in shapes)


@probe
def probe_lazy_build(mod, units, x1, x2):
    first, second = mod.LinearLayer(units), mod.LinearLayer(units)
    before = [len(first.weights), len(second.weights)]
    y1, y2 = first(tf.constant(x1)), second(tf.constant(x2))
    built = mod.LinearLayer(units)
    built.build((None, x1.shape[1]))
    return {"before": before,
            "first": [list(w.shape) for w in first.weights],
            "second": [list(w.shape) for w in second.weights],
            "built": [list(w.shape) for w in built.weights],
            "outputs": [list(y1.shape), list(y2.shape)]}


@graded("LinearLayer", points=2)
def test_linear_layer_creates_its_weights_lazily_in_build(sub, rng):
    units = int(rng.integers(2, 9))
    d1, d2 = (int(v) for v in rng.choice(np.arange(2, 13), size=2, replace=False))
    n1, n2 = (int(v) for v in rng.integers(2, 6, size=2))
    x1 = rng.standard_normal((n1, d1)).astype("float32")
    x2 = rng.standard_normal((n2, d2)).astype("float32")
    got = sub.run(probe_lazy_build, units, x1, x2)
    expect(got["before"] == [0, 0],
           "a new LinearLayer already has weights: create them in build(), when the input width is known")
    expect(_shapes(got["built"]) == _shapes([[d1, units], [units]]),
           "LinearLayer.build(input_shape) should create exactly the kernel (input width, units) and the bias (units,)")
    for shapes, d in ((got["first"], d1), (got["second"], d2)):
        expect(_shapes(shapes) == _shapes([[d, units], [units]]),
               "after its first call a LinearLayer should have exactly two weights, a kernel of shape "
               "(input width, units) and a bias of shape (units,); two fresh layers called on inputs of "
               "different widths do not get them")
    expect(got["outputs"] == [[n1, units], [n2, units]],
           "LinearLayer(units)(x) should have shape (batch, units)")


@probe
def probe_initial_weights(mod, units, d):
    layer = mod.LinearLayer(units)
    layer.build((None, d))
    kernel = [w.numpy() for w in layer.weights if len(w.shape) == 2]
    bias = [w.numpy() for w in layer.weights if len(w.shape) == 1]
    return {"kernel": kernel[0] if kernel else None, "bias": bias[0] if bias else None}


@graded("LinearLayer", points=1)
def test_linear_layer_initialises_glorot_uniform_kernel_and_zero_bias(sub, rng):
    units, d = int(rng.integers(30, 60)), int(rng.integers(40, 80))
    got = sub.run(probe_initial_weights, units, d)
    expect(got["kernel"] is not None and got["bias"] is not None,
           "LinearLayer should create a 2-D kernel and a 1-D bias in build")
    kernel = np.asarray(got["kernel"], dtype=np.float64)
    expect(kernel.shape == (d, units), "the kernel should have shape (input width, units)")
    close(got["bias"], np.zeros(units), "the bias should be initialised to zeros", atol=0)
    limit = np.sqrt(6.0 / (d + units))
    expect(bool(np.all(np.abs(kernel) <= limit * (1 + 1e-5))),
           "the kernel has values outside the glorot-uniform range ±sqrt(6 / (fan_in + fan_out))")
    expect(abs(np.mean(np.abs(kernel)) - limit / 2) < 0.15 * limit,
           "the kernel does not look glorot-uniform (uniform on ±sqrt(6 / (fan_in + fan_out)))")


@probe
def probe_outputs(mod, x, units, activations, biases):
    results = []
    for act, bias in zip(activations, biases):
        layer = mod.LinearLayer(units, activation=act)
        layer.build((None, *x.shape[1:]))
        for w in layer.weights:
            if len(w.shape) == 1:
                w.assign(bias)
        kernel = [w.numpy() for w in layer.weights if len(w.shape) == 2]
        bias_now = [w.numpy() for w in layer.weights if len(w.shape) == 1]
        results.append({"kernel": kernel[0] if kernel else None, "bias": bias_now[0] if bias_now else None,
                        "y": np.asarray(layer(tf.constant(x)))})
    return results


@graded("LinearLayer", points=2)
def test_linear_layer_computes_activation_of_x_kernel_plus_bias(sub, rng):
    units, d, n = int(rng.integers(2, 9)), int(rng.integers(2, 9)), int(rng.integers(3, 7))
    x = rng.standard_normal((n, d)).astype("float32")
    acts = [None, "relu", "tanh", "sigmoid"]
    biases = [rng.standard_normal(units).astype("float32") for _ in acts]
    got = sub.run(probe_outputs, x, units, acts, biases)
    for act, res in zip(acts, got):
        expect(res["kernel"] is not None and res["bias"] is not None,
               "LinearLayer should have a 2-D kernel and a 1-D bias")
        expected = ACTIVATIONS[act](x.astype(np.float64) @ res["kernel"] + res["bias"])
        close(res["y"], expected,
              f"LinearLayer(units, activation={act!r}) should return activation(x @ kernel + bias)",
              rtol=1e-4, atol=1e-5)
    # a rank-3 input (batch, steps, features): the kernel's input width is the last axis, as for Dense
    steps = int(rng.choice([v for v in range(2, 9) if v != d]))
    x3 = rng.standard_normal((n, steps, d)).astype("float32")
    res = sub.run(probe_outputs, x3, units, [None], biases[:1])[0]
    expect(res["kernel"] is not None and res["bias"] is not None and np.shape(res["kernel"]) == (d, units),
           "on an input of shape (batch, steps, features) LinearLayer's kernel should be (features, units): "
           "build it from input_shape[-1]")
    close(res["y"], x3.astype(np.float64) @ res["kernel"] + res["bias"],
          "on an input of shape (batch, steps, features) LinearLayer should return x @ kernel + bias over the "
          "last axis", rtol=1e-4, atol=1e-5)


@probe
def probe_sublayers(mod, units, x):
    layer = mod.LinearLayer(units, activation="relu")
    layer(tf.constant(x))
    subs = list(layer._flatten_layers(include_self=False, recursive=True))
    dense = (keras.layers.Dense, keras.layers.EinsumDense)
    return {"names": [type(s).__name__ for s in subs], "dense": any(isinstance(s, dense) for s in subs)}


@graded("LinearLayer", points=1)
def test_linear_layer_does_not_wrap_dense(sub, rng):
    units, d = int(rng.integers(2, 9)), int(rng.integers(2, 9))
    got = sub.run(probe_sublayers, units, rng.standard_normal((3, d)).astype("float32"))
    expect(not got["dense"],
           "LinearLayer contains a keras.layers.Dense: write the kernel, the bias and x @ kernel + bias yourself")


@probe
def probe_kwargs(mod, units, name, d):
    layer = mod.LinearLayer(units, name=name, trainable=False)
    layer.build((None, d))
    return {"name": layer.name, "trainable": len(layer.trainable_weights), "weights": len(layer.weights)}


@graded("LinearLayer", points=1)
def test_linear_layer_passes_keyword_arguments_to_layer(sub, rng):
    name = "probe_linear_" + str(int(rng.integers(100, 999)))
    got = sub.run(probe_kwargs, int(rng.integers(2, 9)), name, int(rng.integers(2, 9)))
    expect(got["name"] == name and got["trainable"] == 0 and got["weights"] == 2,
           "LinearLayer(units, name=..., trainable=False) ignores its keyword arguments: "
           "pass **kwargs on to super().__init__")


@probe
def probe_config_round_trip(mod, units, x, bias):
    layer = mod.LinearLayer(units, activation="tanh")
    layer.build((None, x.shape[1]))
    for w in layer.weights:
        if len(w.shape) == 1:
            w.assign(bias)
    config = layer.get_config()
    stored = config.get("units") if isinstance(config, dict) else None
    clone = type(layer).from_config(config)
    clone.build((None, x.shape[1]))
    clone.set_weights(layer.get_weights())
    return {"units": int(stored) if isinstance(stored, (int, np.integer)) else None,
            "y": np.asarray(layer(tf.constant(x))), "y_clone": np.asarray(clone(tf.constant(x)))}


@graded("LinearLayer", points=1)
def test_linear_layer_get_config_round_trips_units_and_activation(sub, rng):
    units, d = int(rng.integers(2, 9)), int(rng.integers(2, 9))
    x = rng.standard_normal((4, d)).astype("float32")
    got = sub.run(probe_config_round_trip, units, x, rng.standard_normal(units).astype("float32"))
    expect(got["units"] == units, "LinearLayer.get_config() should hold 'units', the number of output units")
    close(got["y_clone"], got["y"],
          "LinearLayer.from_config(layer.get_config()) gives a layer that computes something else: "
          "keep units and the activation in the config", rtol=1e-5, atol=1e-6)


@probe
def probe_keras_file(mod, x, hidden, out_units, bias1, bias2):
    import warnings

    inputs = keras.Input((x.shape[1],))
    first = mod.LinearLayer(hidden, activation="tanh")
    second = mod.LinearLayer(out_units)
    model = keras.Model(inputs=inputs, outputs=second(first(inputs)))
    for layer, bias in ((first, bias1), (second, bias2)):
        for w in layer.weights:
            if len(w.shape) == 1:
                w.assign(bias)
    before = np.asarray(model(tf.constant(x)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save("linear_layer_round_trip.keras")
        loaded = keras.saving.load_model("linear_layer_round_trip.keras")
    return {"before": before, "after": np.asarray(loaded(tf.constant(x))),
            "types": [type(layer).__name__ for layer in loaded.layers]}


@graded("LinearLayer", points=2)
def test_linear_layer_round_trips_through_keras_file(sub, rng):
    d, hidden, out_units = (int(v) for v in rng.integers(2, 9, size=3))
    x = rng.standard_normal((5, d)).astype("float32")
    got = sub.run(probe_keras_file, x, hidden, out_units,
                  rng.standard_normal(hidden).astype("float32"), rng.standard_normal(out_units).astype("float32"))
    expect(got["types"].count("LinearLayer") == 2,
           "a model saved to .keras and loaded back should still contain its LinearLayers")
    close(got["after"], got["before"],
          "a model containing LinearLayers gives different outputs after saving to .keras and loading back",
          rtol=1e-5, atol=1e-6)
