"""Hidden tests of tflite_predict: run a TFLite flatbuffer on a float64 batch of any size
with the TFLite interpreter; (N, K) float32 out, one fresh interpreter per model."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


def build_model(layers, activations):
    # A Keras Sequential MLP with the given (kernel, bias) pairs and activations.
    width = layers[0][0].shape[0]
    model = keras.Sequential([keras.Input((width,))] + [
        keras.layers.Dense(kernel.shape[1], activation=act) for (kernel, _), act in zip(layers, activations)])
    model.set_weights([w for pair in layers for w in pair])
    return model


def convert(model):
    # The grader's own conversion (float, no optimizations); its batch dimension is dynamic.
    return tf.lite.TFLiteConverter.from_keras_model(model).convert()


@probe(uses=[build_model, convert])
def probe_predict(mod, models, calls):
    blobs = [convert(build_model(layers, acts)) for layers, acts in models]
    out = []
    for which, x in calls:
        y = mod.tflite_predict(blobs[which], x)
        out.append({"type": type(y).__name__, "dtype": str(getattr(y, "dtype", "")),
                    "y": y if isinstance(y, np.ndarray) else None})
    return out


def _mlp(rng, sizes, activations):
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        layers.append((rng.uniform(-limit, limit, (fan_in, fan_out)).astype("float32"),
                       rng.normal(0, 0.1, fan_out).astype("float32")))
    return layers, activations


def _random_mlp(rng, d=None):
    d = int(rng.integers(3, 12)) if d is None else d
    h, k = int(rng.integers(4, 16)), int(rng.integers(2, 6))
    act = str(rng.choice(["relu", "tanh", "sigmoid"]))
    return _mlp(rng, [d, h, k], [act, None])


def _forward(layers, activations, x):
    fns = {None: lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
           "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    h = np.asarray(x, np.float64)
    for (kernel, bias), act in zip(layers, activations):
        h = fns[act](h @ kernel.astype(np.float64) + bias)
    return h


def _check(got, model, x, message):
    expect(got["type"] == "ndarray", f"tflite_predict should return a NumPy array, not a {got['type']}")
    close(got["y"], _forward(*model, x), message, rtol=1e-5, atol=1e-5)


@graded("tflite_predict", points=3)
def test_tflite_predict_runs_a_float64_batch_of_any_size(sub, rng):
    model = _random_mlp(rng)
    d = model[0][0][0].shape[0]
    x = rng.standard_normal((int(rng.integers(2, 65)), d))          # float64, as a learner's data often is
    got = sub.run(probe_predict, [model], [[0, x]])[0]
    _check(got, model, x, "tflite_predict's outputs differ from the model's on a float64 batch: the whole "
           "batch should go through the interpreter (input cast to its dtype, tensors sized for the batch)")


@graded("tflite_predict", points=1)
def test_tflite_predict_returns_float32_rows(sub, rng):
    model = _random_mlp(rng)
    x = rng.standard_normal((1, model[0][0][0].shape[0]))
    got = sub.run(probe_predict, [model], [[0, x]])[0]
    _check(got, model, x, "tflite_predict gives wrong outputs for a batch of one example")
    expect(got["dtype"] == "float32", f"tflite_predict should return the float32 output, not {got['dtype']}")


@graded("tflite_predict", points=3)
def test_tflite_predict_uses_the_model_it_is_given(sub, rng):
    first, second = _random_mlp(rng), _random_mlp(rng)
    xs = [rng.standard_normal((int(rng.integers(2, 20)), m[0][0][0].shape[0])) for m in (first, second, first)]
    got = sub.run(probe_predict, [first, second], [[0, xs[0]], [1, xs[1]], [0, xs[2]]])
    for result, model, x in zip(got, (first, second, first), xs):
        _check(result, model, x, "calling tflite_predict on one model and then on another should run each "
               "model on its own batch (a new interpreter for the bytes given, sized for that batch)")
