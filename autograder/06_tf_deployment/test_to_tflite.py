"""Hidden tests of to_tflite: a TFLite flatbuffer that computes what the Keras model does,
and, with quantize=True, dynamic-range quantization: much smaller, close in output."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


def build_model(layers, activations):
    # A Keras Sequential MLP with the given (kernel, bias) pairs and activations.
    width = layers[0][0].shape[0]
    model = keras.Sequential([keras.Input((width,))] + [
        keras.layers.Dense(kernel.shape[1], activation=act) for (kernel, _), act in zip(layers, activations)])
    model.set_weights([w for pair in layers for w in pair])
    return model


def run_tflite(model_bytes, x):
    # The grader's own TFLite inference: resize to the batch, allocate, cast to the input dtype, invoke.
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        Interpreter = tf.lite.Interpreter
    try:
        interpreter = Interpreter(model_content=model_bytes)
        inputs, outputs = interpreter.get_input_details(), interpreter.get_output_details()
        if len(inputs) != 1 or len(outputs) != 1:
            return f"{len(inputs)} inputs and {len(outputs)} outputs"
        interpreter.resize_tensor_input(inputs[0]["index"], list(x.shape))
        interpreter.allocate_tensors()
        interpreter.set_tensor(inputs[0]["index"], x.astype(inputs[0]["dtype"]))
        interpreter.invoke()
        return np.array(interpreter.get_tensor(outputs[0]["index"]), dtype=np.float64)
    except Exception as exc:  # not a usable TFLite model: report, do not crash the probe
        return f"{type(exc).__name__}: {str(exc)[:120]}"


@probe(uses=[build_model, run_tflite])
def probe_convert(mod, layers, activations, x, modes):
    model = build_model(layers, activations)
    out = []
    for quantize in modes:
        blob = mod.to_tflite(model) if quantize is None else mod.to_tflite(model, quantize=quantize)
        entry = {"type": type(blob).__name__}
        if isinstance(blob, bytes):
            entry.update(size=len(blob), magic=blob[4:8], y=run_tflite(blob, x))
        out.append(entry)
    return out


def _mlp(rng, sizes, activations):
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        layers.append((rng.uniform(-limit, limit, (fan_in, fan_out)).astype("float32"),
                       rng.normal(0, 0.1, fan_out).astype("float32")))
    return layers, activations


def _random_mlp(rng):
    d, h, k = int(rng.integers(3, 12)), int(rng.integers(4, 16)), int(rng.integers(1, 6))
    act = str(rng.choice(["relu", "tanh", "sigmoid"]))
    return _mlp(rng, [d, h, k], [act, None])


def _dense_model(rng):
    # The model the size rule is stated for: 64 -> 256 -> 256 -> 10.
    return _mlp(rng, [64, 256, 256, 10], ["relu", "relu", None])


def _forward(layers, activations, x):
    fns = {None: lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
           "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    h = np.asarray(x, np.float64)
    for (kernel, bias), act in zip(layers, activations):
        h = fns[act](h @ kernel.astype(np.float64) + bias)
    return h


def _bytes(entry, what):
    expect(entry["type"] == "bytes", f"to_tflite({what}) should return the converted model as bytes, "
           f"not a {entry['type']}")
    expect(entry["magic"] == b"TFL3", f"to_tflite({what}) should return a TFLite flatbuffer (converter.convert())")
    expect(not isinstance(entry["y"], str),
           f"the TFLite interpreter could not run the model from to_tflite({what}) on a float32 batch "
           "(one float input (None, D), one output)")


@graded("to_tflite", points=1)
def test_to_tflite_returns_a_tflite_flatbuffer(sub, rng):
    layers, acts = _random_mlp(rng)
    x = rng.standard_normal((3, layers[0][0].shape[0])).astype("float32")
    _bytes(sub.run(probe_convert, layers, acts, x, [None])[0], "model")


@graded("to_tflite", points=2)
def test_to_tflite_float_model_matches_keras(sub, rng):
    layers, acts = _random_mlp(rng)
    x = rng.standard_normal((int(rng.integers(2, 30)), layers[0][0].shape[0])).astype("float32")
    entry = sub.run(probe_convert, layers, acts, x, [False])[0]
    _bytes(entry, "model, quantize=False")
    close(entry["y"], _forward(layers, acts, x),
          "without quantization, the TFLite model's outputs should equal the Keras model's (within float32 "
          "rounding)", rtol=1e-5, atol=1e-5)
    # quantize left to its default, on a model big enough for the converter to quantize its weights
    layers, acts = _dense_model(rng)
    x = rng.standard_normal((4, 64)).astype("float32")
    entry = sub.run(probe_convert, layers, acts, x, [None])[0]
    _bytes(entry, "model")
    close(entry["y"], _forward(layers, acts, x),
          "to_tflite(model) should not quantize (quantize defaults to False): the TFLite model's outputs should "
          "equal the Keras model's (within float32 rounding)", rtol=1e-5, atol=1e-5)


@graded("to_tflite", points=2)
def test_to_tflite_quantized_model_is_much_smaller(sub, rng):
    layers, acts = _dense_model(rng)
    x = rng.standard_normal((4, 64)).astype("float32")
    plain, quantized = sub.run(probe_convert, layers, acts, x, [False, True])
    _bytes(plain, "model, quantize=False")
    _bytes(quantized, "model, quantize=True")
    ratio = quantized["size"] / plain["size"]
    expect(ratio <= 0.4,
           f"on a dense 64-256-256-10 model the quantized flatbuffer is {ratio:.2f}x the float one; dynamic-range "
           "quantization stores the weights as int8 and should make it at most 0.4x")


@graded("to_tflite", points=2)
def test_to_tflite_quantized_model_stays_close(sub, rng):
    layers, acts = _dense_model(rng)
    x = rng.standard_normal((int(rng.integers(8, 40)), 64)).astype("float32")
    entry = sub.run(probe_convert, layers, acts, x, [True])[0]
    _bytes(entry, "model, quantize=True")
    expected = _forward(layers, acts, x)
    close(entry["y"], expected,
          "with quantize=True the TFLite model's outputs should stay within 5% of the largest output of the Keras "
          "model (dynamic-range quantization: float inputs and outputs, int8 weights)",
          rtol=0, atol=0.05 * float(np.max(np.abs(expected))))
