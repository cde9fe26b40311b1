"""Visible checks of 06_tf_deployment: small fixed examples you can read.

The hidden tests check the same contracts more thoroughly, on fresh random models and inputs.
"""
import contextlib
import io
import json
import os
import sys
import tempfile

import numpy as np

from dlcourse.visible import Checks

checks = Checks()

X3 = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])        # two examples, three features (float64)


def _tiny_model():
    # Dense(3 -> 2) with fixed weights: y = x @ K + b
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    kernel = np.array([[1.0, -1.0], [0.5, 0.0], [0.0, 2.0]], dtype="float32")
    model.set_weights([kernel, np.array([0.1, -0.2], dtype="float32")])
    return model, X3 @ kernel + np.array([0.1, -0.2])


@checks.of("export_for_serving")
def _(export_for_serving):
    import tensorflow as tf

    model, expected = _tiny_model()
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "tiny")
        path = export_for_serving(model, base, version=3)
        checks.expect(os.path.isfile(os.path.join(base, "3", "saved_model.pb")),
                      f"export_for_serving(model, base, version=3) should write a SavedModel into base/3/; "
                      f"base holds {sorted(os.listdir(base)) if os.path.isdir(base) else 'nothing'}")
        checks.expect(isinstance(path, str) and os.path.normpath(path) == os.path.join(base, "3"),
                      f"export_for_serving should return the version folder os.path.join(base, '3'), got {path!r}")
        signatures = tf.saved_model.load(path).signatures
        checks.expect("serving_default" in signatures, f"no 'serving_default' signature, only {list(signatures)}")
        names = sorted(signatures["serving_default"].structured_input_signature[1])
        checks.expect(names == ["features"], f"serving_default's input should be named 'features', not {names}")
        outputs = signatures["serving_default"](features=tf.constant(X3, tf.float32))
        checks.expect(len(outputs) == 1, f"serving_default should return one output, it returns {list(outputs)}")
        y = next(iter(outputs.values())).numpy()
        checks.expect(np.allclose(y, expected, atol=1e-5),
                      f"serving_default(features=x) gave {y.round(3).tolist()}, the model gives "
                      f"{expected.round(3).tolist()}")


@checks.of("predict_url")
def _(predict_url):
    url = predict_url("digits")
    checks.expect(url == "http://localhost:8501/v1/models/digits:predict",
                  f"predict_url('digits') should be 'http://localhost:8501/v1/models/digits:predict', got {url!r}")
    url = predict_url("digits", host="serving.local", port=9000, version=2)
    checks.expect(url == "http://serving.local:9000/v1/models/digits/versions/2:predict",
                  "predict_url('digits', host='serving.local', port=9000, version=2) should be "
                  f"'http://serving.local:9000/v1/models/digits/versions/2:predict', got {url!r}")


@checks.of("serving_request")
def _(serving_request):
    body = serving_request(np.array([[1.0, 2.0], [3.0, 4.5]], dtype="float32"))
    checks.expect(isinstance(body, str), f"serving_request should return JSON text (a str), not a {type(body).__name__}")
    checks.expect(json.loads(body) == {"instances": [[1.0, 2.0], [3.0, 4.5]]},
                  f'serving_request of [[1, 2], [3, 4.5]] should be {{"instances": [[1.0, 2.0], [3.0, 4.5]]}}, got {body}')
    body = serving_request([[0.5, 1.0, -2.0]])
    checks.expect(json.loads(body) == {"instances": [[0.5, 1.0, -2.0]]},
                  f"serving_request should accept a list of lists too; got {body}")


@checks.of("parse_serving_response")
def _(parse_serving_response):
    text = '{"predictions": [[0.1, 0.9], [0.75, 0.25]]}'
    for body in (text, text.encode("utf-8")):
        out = parse_serving_response(body)
        checks.expect(isinstance(out, np.ndarray) and out.dtype.kind == "f",
                      f"parse_serving_response should return a NumPy float array, not {type(out).__name__}")
        checks.expect(out.shape == (2, 2) and np.allclose(out, [[0.1, 0.9], [0.75, 0.25]]),
                      f"parse_serving_response({body!r}) should be [[0.1, 0.9], [0.75, 0.25]], got {out.tolist()}")


@contextlib.contextmanager
def _quiet():
    # Hide what TensorFlow prints while the checks convert or interpret (Python and C++ output).
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


def _run(model_bytes, x):
    # The checks' own TFLite inference, to judge to_tflite independently of tflite_predict.
    from ai_edge_litert.interpreter import Interpreter

    # The signature runner resizes and allocates by itself (another route than the exercise's).
    runner = Interpreter(model_content=model_bytes).get_signature_runner()
    (name, details), = runner.get_input_details().items()
    with _quiet():
        outputs = runner(**{name: x.astype(details["dtype"])})
    return next(iter(outputs.values()))


@checks.of("to_tflite")
def _(to_tflite):
    import keras

    model, expected = _tiny_model()
    blob = to_tflite(model)
    checks.expect(isinstance(blob, bytes), f"to_tflite should return bytes, not a {type(blob).__name__}")
    checks.expect(blob[4:8] == b"TFL3", "to_tflite should return a TFLite flatbuffer (its identifier TFL3 is missing)")
    y = _run(blob, X3)
    checks.expect(np.allclose(y, expected, atol=1e-5),
                  f"the converted model gives {y.round(3).tolist()}, the Keras model {expected.round(3).tolist()}")

    keras.utils.set_random_seed(0)
    wide = keras.Sequential([keras.Input((32,)), keras.layers.Dense(128, activation="relu"), keras.layers.Dense(4)])
    plain, small = to_tflite(wide, quantize=False), to_tflite(wide, quantize=True)
    checks.expect(isinstance(small, bytes) and len(small) < 0.5 * len(plain),
                  f"with quantize=True the flatbuffer should be much smaller: {len(small)} bytes vs {len(plain)} "
                  "bytes without quantization")
    x = np.linspace(-1, 1, 64).reshape(2, 32)
    y, ref = _run(small, x), wide(x.astype("float32")).numpy()
    checks.expect(np.abs(y - ref).max() <= 0.05 * np.abs(ref).max(),
                  "the quantized model's outputs should stay within 5% of the largest output")


@checks.of("tflite_predict")
def _(tflite_predict):
    import tensorflow as tf

    model, expected = _tiny_model()
    with _quiet():                                       # the converter prints what it exports
        blob = tf.lite.TFLiteConverter.from_keras_model(model).convert()
    y = tflite_predict(blob, X3)                        # float64, two rows
    checks.expect(isinstance(y, np.ndarray), f"tflite_predict should return a NumPy array, not {type(y).__name__}")
    checks.expect(y.shape == (2, 2) and y.dtype == np.float32,
                  f"tflite_predict on 2 rows should return a float32 (2, 2) array, got {y.dtype} {y.shape}")
    checks.expect(np.allclose(y, expected, atol=1e-5),
                  f"tflite_predict gave {y.round(3).tolist()}, the model gives {expected.round(3).tolist()}")
    y1 = tflite_predict(blob, X3[:1])
    checks.expect(np.allclose(y1, expected[:1], atol=1e-5), "tflite_predict should also work on a single row")


check = checks.check
needs = checks.needs
