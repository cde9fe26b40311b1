"""Reference solution of 06_tf_deployment.

Generated from source/06_tf_deployment/06_tf_deployment.ipynb by `dlcourse build`; do not edit.
"""


import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import contextlib
import io
import json
import sys
import tempfile

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
import keras
from ai_edge_litert.interpreter import Interpreter

tf.get_logger().setLevel("WARNING")      # no INFO lines ("Assets written to ...") from every export

print("TensorFlow", tf.__version__, "· Keras", keras.__version__)


@contextlib.contextmanager
def quiet():
    # Hide what the block prints, from Python (sys.stdout/err) and from C++ (file descriptors 1, 2).
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


with quiet():
    print("you will not see this")
print("but this shows")


def draw_landscape(ax):
    def box(x, y, w, h, text, color):
        ax.add_patch(plt.Rectangle((x, y), w, h, facecolor=color, edgecolor="black"))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=8.5)

    def arrow(x0, y0, x1, y1, label="", below=False):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops=dict(arrowstyle="->", lw=1.4))
        if label:  # by the arrow's head, above it (or below it), clear of the line
            ax.text(x1 - 0.08, y1 + (-0.08 if below else 0.08), label, ha="right",
                    va="top" if below else "bottom", fontsize=7.5, color="dimgray")

    # the TFX pipeline around training, on the left
    ax.add_patch(plt.Rectangle((-0.2, -0.35), 4.3, 3.55, facecolor="none", edgecolor="gray", ls="--"))
    ax.text(1.95, 2.95, "TFX pipeline (orchestrated, tracked in ML Metadata)", ha="center", fontsize=8, color="gray")
    for i, name in enumerate(["ExampleGen", "StatisticsGen\nSchemaGen", "Transform", "Trainer", "Evaluator", "Pusher"]):
        box(0.0 + (i % 3) * 1.35, 1.85 - (i // 3) * 1.5, 1.25, 0.8, name, "#eeeeee")
    for i in (0, 1, 3, 4):
        arrow(1.25 + (i % 3) * 1.35, 2.25 - (i // 3) * 1.5, 1.35 + (i % 3) * 1.35, 2.25 - (i // 3) * 1.5)
    arrow(3.3, 1.85, 0.6, 1.15)
    box(5.0, 1.2, 2.1, 1.0, "Keras model\n→ SavedModel\nexport_dir/<version>/", "#cfe2f3")
    arrow(4.1, 1.7, 5.0, 1.7, "export")   # (its label ends by the arrow's head)
    targets = [("TF Serving\nREST :8501 · gRPC :8500", "#d9ead3", 2.6, "load"),
               ("TFLite flatbuffer (.tflite)\nAndroid · iOS · edge", "#fff2cc", 1.2, "TFLiteConverter"),
               ("TF.js model.json + shards\nbrowser · Node.js", "#f4cccc", -0.2, "tensorflowjs_converter")]
    for text, color, y, label in targets:
        box(8.6, y, 2.6, 0.9, text, color)
        arrow(7.1, 1.7, 8.6, y + 0.45, label, below=y < 0)
    ax.set_xlim(-0.4, 11.4)
    ax.set_ylim(-0.5, 3.6)
    ax.axis("off")


if __name__ == "__main__":
    fig, ax = plt.subplots(figsize=(12, 3.8))
    draw_landscape(ax)
    plt.show()


keras.utils.set_random_seed(0)
tiny = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
x_demo = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)


def show_signature(path):
    # Load a SavedModel and print its serving_default signature: input names, shapes, outputs.
    sig = tf.saved_model.load(path).signatures["serving_default"]
    args, kwargs = sig.structured_input_signature
    print(f"  positional inputs: {len(args)}, named inputs: {kwargs}")
    print(f"  outputs: {sig.structured_outputs}")
    return sig


if __name__ == "__main__":
    workdir = tempfile.mkdtemp(prefix="deploy-")
    default_path = os.path.join(workdir, "default")
    named_path = os.path.join(workdir, "named")
    tiny.export(default_path, verbose=False)                   # Keras picks the input's name
    tiny.export(named_path, verbose=False,                       # we choose it
                input_signature=[tf.TensorSpec([None, 4], tf.float32, name="features")])
    print("files:", sorted(os.listdir(named_path)), "+ variables/:", sorted(os.listdir(os.path.join(named_path, "variables"))))
    print("default export:")
    show_signature(default_path)
    print("named export:")
    sig = show_signature(named_path)
    out = sig(features=tf.constant(x_demo))                      # keyword call, dict out
    print("signature output:", {k: np.round(v.numpy().astype(float), 3).tolist() for k, v in out.items()})
    print("model output:    ", np.round(tiny(x_demo).numpy().astype(float), 3).tolist())


def local_predict(model_base_path, body):
    # A stand-in for TF Serving's REST predict endpoint (this notebook only): JSON text in, JSON text out.
    versions = [int(entry) for entry in os.listdir(model_base_path) if entry.isdigit()]
    if not versions:
        raise FileNotFoundError(f"no numbered version folder under {model_base_path}")
    signature = tf.saved_model.load(os.path.join(model_base_path, str(max(versions)))).signatures["serving_default"]
    (input_name,) = signature.structured_input_signature[1]          # the one named input
    request = json.loads(body)
    outputs = signature(**{input_name: tf.constant(request["instances"], tf.float32)})
    (predictions,) = outputs.values()                                  # the one output
    return json.dumps({"predictions": predictions.numpy().tolist()})


if __name__ == "__main__":
    base = os.path.join(workdir, "serving", "tiny")
    tiny.export(os.path.join(base, "1"), verbose=False,
                input_signature=[tf.TensorSpec([None, 4], tf.float32, name="features")])
    body = json.dumps({"instances": x_demo.tolist()})
    print("request: ", body)
    print("response:", local_predict(base, body))


if __name__ == "__main__":
    converter = tf.lite.TFLiteConverter.from_keras_model(tiny)
    with quiet():
        tiny_bytes = converter.convert()
    print(len(tiny_bytes), "bytes, identifier", tiny_bytes[4:8])

    interpreter = Interpreter(model_content=tiny_bytes)
    (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
    print("input: shape", inp["shape"], "shape_signature", inp["shape_signature"], "dtype", inp["dtype"].__name__)
    batch = np.random.default_rng(0).standard_normal((5, 4))         # float64, 5 rows
    interpreter.resize_tensor_input(inp["index"], batch.shape)         # 3. size for the batch
    with quiet():
        interpreter.allocate_tensors()                                 # 4. then allocate
    interpreter.set_tensor(inp["index"], batch.astype(inp["dtype"]))   # 5. exact dtype
    interpreter.invoke()                                               # 6. run, read
    y = interpreter.get_tensor(out["index"])
    print("TFLite:", y.shape, y.dtype, " max |TFLite - Keras| =", float(np.abs(y - tiny(batch.astype(np.float32))).max()))


if __name__ == "__main__":
    import logging
    import warnings

    def max_error(model_bytes):
        # largest |TFLite - Keras| of `tiny` on the batch above, run by LiteRT's interpreter
        runner = Interpreter(model_content=model_bytes)
        (i,), (o,) = runner.get_input_details(), runner.get_output_details()
        runner.resize_tensor_input(i["index"], batch.shape)
        with quiet():
            runner.allocate_tensors()
        runner.set_tensor(i["index"], batch.astype(np.float32))
        runner.invoke()
        return float(np.abs(runner.get_tensor(o["index"]) - tiny(batch.astype(np.float32))).max())

    fn = tf.function(lambda t: tiny(t)).get_concrete_function(tf.TensorSpec([None, 4], tf.float32))
    logging.getLogger("absl").setLevel(logging.ERROR)            # the "deprecated path" notice
    with quiet():
        one_arg = tf.lite.TFLiteConverter.from_concrete_functions([fn]).convert()
        with_model = tf.lite.TFLiteConverter.from_concrete_functions([fn], tiny).convert()
    for name, blob in (("[fn]", one_arg), ("[fn], tiny", with_model)):
        error = max_error(blob)                                    # tiny's outputs lie in [0, 1]
        print(f"from_concrete_functions({name}):".ljust(42), "agrees with Keras:", error < 1e-5,
              f"(max error {error:.1e})" if error < 1e-5 else "")

    with warnings.catch_warnings(record=True) as caught:            # the old interpreter, once
        warnings.simplefilter("always")
        old = tf.lite.Interpreter(model_content=tiny_bytes)
    message = next(str(w.message) for w in caught if "Interpreter" in str(w.message))
    print("tf.lite.Interpreter warns:", " ".join(message.split()).split(" See the")[0])
    old.resize_tensor_input(old.get_input_details()[0]["index"], batch.shape)
    with quiet():
        old.allocate_tensors()
    old.set_tensor(old.get_input_details()[0]["index"], batch.astype(np.float32))
    old.invoke()
    print("same outputs as LiteRT's interpreter:", np.array_equal(old.get_tensor(old.get_output_details()[0]["index"]), y))


def convert_variant(model, variant, calibration=None):
    # TFLite bytes of a model: "float", "dynamic range", "float16" or "full integer".
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if variant != "float":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if variant == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if variant == "full integer":
        converter.representative_dataset = lambda: ([row[None]] for row in calibration)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = converter.inference_output_type = tf.int8
    with quiet():
        return converter.convert()


def run_variant(model_bytes, x):
    # Run a (possibly int8-I/O) TFLite model on float x, quantizing inputs and dequantizing outputs.
    interpreter = Interpreter(model_content=model_bytes)
    (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
    interpreter.resize_tensor_input(inp["index"], x.shape)
    with quiet():
        interpreter.allocate_tensors()
    if inp["dtype"] == np.int8:                     # real = scale * (q - zero_point)
        scale, zero = inp["quantization"]
        x = np.clip(np.round(x / scale + zero), -128, 127)
    interpreter.set_tensor(inp["index"], x.astype(inp["dtype"]))
    interpreter.invoke()
    y = interpreter.get_tensor(out["index"]).astype(np.float32)
    if out["dtype"] == np.int8:
        scale, zero = out["quantization"]
        y = scale * (y - zero)
    return y


if __name__ == "__main__":
    keras.utils.set_random_seed(1)
    dense = keras.Sequential([keras.Input((64,)), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(256, activation="relu"), keras.layers.Dense(10)])
    probe_x = np.random.default_rng(1).standard_normal((200, 64)).astype(np.float32)
    reference = dense(probe_x).numpy()
    sizes, errors = {}, {}
    for variant in ["float", "dynamic range", "float16", "full integer"]:
        blob = convert_variant(dense, variant, calibration=probe_x[:100])
        sizes[variant] = len(blob) / 1024
        errors[variant] = float(np.abs(run_variant(blob, probe_x) - reference).max() / np.abs(reference).max())
        print(f"{variant:14s} {sizes[variant]:7.1f} KiB  max error {100 * errors[variant]:.3f} % of max|output|")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 2.6))
    ax1.barh(list(sizes), list(sizes.values()), color="slateblue"); ax1.invert_yaxis()
    ax1.set_xlabel("size (KiB)")
    ax2.barh(list(errors), [100 * e for e in errors.values()], color="darkorange"); ax2.invert_yaxis()
    ax2.set_xlabel("max |TFLite - Keras| (% of max |output|)")
    plt.tight_layout()
    plt.show()


def export_for_serving(model, export_dir, version=1):
    """Write model as a SavedModel in export_dir/<version>/ with serving_default(features=...)."""
    path = os.path.join(export_dir, str(version))
    width = model.inputs[0].shape[-1]
    signature = [tf.TensorSpec([None, width], tf.float32, name="features")]
    with quiet():
        model.export(path, format="tf_saved_model", input_signature=signature, verbose=False)
    return path


def predict_url(model_name, host="localhost", port=8501, version=None):
    """The REST predict URL of a served model (a given version, or the latest)."""
    url = f"http://{host}:{port}/v1/models/{model_name}"
    if version is not None:
        url += f"/versions/{version}"
    return url + ":predict"


def serving_request(instances):
    """The JSON body of a TF Serving REST predict request, in row format."""
    return json.dumps({"instances": np.asarray(instances).tolist()})


def parse_serving_response(body):
    """The "predictions" of a TF Serving REST predict response, as a float array (N, K)."""
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8")
    return np.asarray(json.loads(body)["predictions"], dtype=np.float32)


def to_tflite(model, quantize=False):
    """TFLite flatbuffer bytes of a Keras model; dynamic-range quantized when quantize=True."""
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if quantize:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    with quiet():
        return converter.convert()


def tflite_predict(model_bytes, x):
    """Outputs (N, K) float32 of a TFLite model on a batch x of any float dtype."""
    interpreter = Interpreter(model_content=model_bytes)
    (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
    x = np.asarray(x, dtype=inp["dtype"])
    interpreter.resize_tensor_input(inp["index"], list(x.shape))
    with quiet():
        interpreter.allocate_tensors()
    interpreter.set_tensor(inp["index"], x)
    interpreter.invoke()
    return np.asarray(interpreter.get_tensor(out["index"]), dtype=np.float32)


if __name__ == "__main__":
    with needs("export_for_serving", "predict_url", "serving_request", "parse_serving_response",
               "to_tflite", "tflite_predict"):
        from sklearn.datasets import load_digits

        url = predict_url("digits")

        digits = load_digits()
        x_all = (digits.data / 16.0).astype(np.float32)
        y_all = digits.target
        x_train, y_train, x_test, y_test = x_all[:1500], y_all[:1500], x_all[1500:], y_all[1500:]

        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(256, activation="relu"),
                                  keras.layers.Dense(256, activation="relu"), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, epochs=10, batch_size=64, verbose=0)

        base = os.path.join(tempfile.mkdtemp(prefix="digits-"), "digits")
        path = export_for_serving(model, base, version=1)
        print("exported to <tmp>/" + os.path.relpath(path, os.path.dirname(base)), "· served at", url)
        served = parse_serving_response(local_predict(base, serving_request(x_test)))

        float_bytes, quant_bytes = to_tflite(model), to_tflite(model, quantize=True)
        results = {"Keras": model.predict(x_test, verbose=0), "Serving (JSON)": served,
                   "TFLite float": tflite_predict(float_bytes, x_test),
                   "TFLite quantized": tflite_predict(quant_bytes, x_test)}
        for name, probs in results.items():
            print(f"{name:17s} accuracy {np.mean(probs.argmax(axis=1) == y_test):.3f}")
        print(f"TFLite sizes: float {len(float_bytes) / 1024:.0f} KiB, quantized {len(quant_bytes) / 1024:.0f} KiB "
              f"({len(quant_bytes) / len(float_bytes):.2f}x)")
