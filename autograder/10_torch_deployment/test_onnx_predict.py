"""Hidden graders of onnx_predict: ONNX Runtime on any ONNX file, its own input name, float32, first output."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_predict(mod, model_bytes, tag, batches):
    # Write the grader's ONNX file into the working folder and predict with the learner's function.
    import contextlib
    import io
    import os
    import warnings

    path = os.path.join(os.getcwd(), f"given_{tag}.onnx")
    with open(path, "wb") as fh:
        fh.write(model_bytes)
    results = []
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        for x in batches:
            y = mod.onnx_predict(path, x)
            try:
                results.append(np.asarray(y, dtype=np.float64))
            except Exception:
                results.append("not numeric (a " + type(y).__name__ + ")")
    return results


def random_model(rng, d=None, h=None):
    """A two-layer network as an ONNX graph whose input has a random name and a symbolic batch
    axis, and two outputs: the scores first, the hidden activations second."""
    d = d or int(rng.integers(3, 9))
    h, k = h or int(rng.integers(5, 12)), int(rng.integers(2, 6))
    w1 = rng.standard_normal((d, h)).astype(np.float32)
    b1 = rng.standard_normal(h).astype(np.float32)
    w2 = rng.standard_normal((h, k)).astype(np.float32)
    b2 = rng.standard_normal(k).astype(np.float32)
    name = str(rng.choice(["features", "x", "pixels", "data", "inputs"])) + "_" + str(int(rng.integers(0, 100)))
    nodes = [helper.make_node("Gemm", [name, "w1", "b1"], ["pre"]),
             helper.make_node("Relu", ["pre"], ["hidden"]),
             helper.make_node("Gemm", ["hidden", "w2", "b2"], ["scores"])]
    graph = helper.make_graph(
        nodes, "grader_net",
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", d])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", k]),
         helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", h])],
        initializer=[numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString(), (w1, b1, w2, b2), d


@probe
def probe_rewritten(mod, first, second, tag, x1, x2):
    # Predict from a file, overwrite the file with another model, predict from the same path again.
    import contextlib
    import io
    import os
    import warnings

    path = os.path.join(os.getcwd(), f"model_{tag}.onnx")
    results = []
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        for model_bytes, x in ((first, x1), (second, x2)):
            with open(path, "wb") as fh:
                fh.write(model_bytes)
            y = mod.onnx_predict(path, x)
            try:
                results.append(np.asarray(y, dtype=np.float64))
            except Exception:
                results.append("not numeric (a " + type(y).__name__ + ")")
    return results


def forward(params, x):
    w1, b1, w2, b2 = params
    x = np.asarray(x, dtype=np.float32)
    return np.maximum(x @ w1 + b1, 0) @ w2 + b2


def tag_of(rng):
    return "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=10))


def compare(results, params, batches, what):
    for result, x in zip(results, batches):
        expect(not isinstance(result, str), f"onnx_predict's result for {what} is {result}: return the model's "
                                            "first output as a NumPy array")
        close(result, forward(params, x), f"onnx_predict's result for {what} of {len(x)} rows is not the model's "
              "first output", rtol=1e-4, atol=1e-4)


@graded("onnx_predict", points=2)
def test_onnx_predict_matches_the_model(sub, rng):
    model_bytes, params, d = random_model(rng)
    sizes = [1, 64, int(rng.integers(2, 64))]
    batches = [rng.standard_normal((n, d)).astype(np.float32) for n in rng.permutation(sizes)]
    results = sub.run(probe_predict, model_bytes, tag_of(rng), batches)
    compare(results, params, batches, "a float32 batch")


@graded("onnx_predict", points=1)
def test_onnx_predict_accepts_float64_input(sub, rng):
    model_bytes, params, d = random_model(rng)
    batches = [rng.standard_normal((int(n), d)) for n in rng.integers(1, 65, size=2)]   # float64
    results = sub.run(probe_predict, model_bytes, tag_of(rng), batches)
    compare(results, params, batches, "a float64 batch (the model takes float32: cast it)")


@graded("onnx_predict", points=1)
def test_onnx_predict_reads_a_rewritten_file(sub, rng):
    d = int(rng.integers(3, 9))
    first, params1, _ = random_model(rng, d=d, h=int(rng.integers(5, 8)))
    second, params2, _ = random_model(rng, d=d, h=int(rng.integers(9, 12)))
    x1, x2 = (rng.standard_normal((int(rng.integers(1, 65)), d)).astype(np.float32) for _ in range(2))
    results = sub.run(probe_rewritten, first, second, tag_of(rng), x1, x2)
    compare(results[:1], params1, [x1], "a float32 batch")
    expect(not isinstance(results[1], str), f"onnx_predict's result is {results[1]}: return the model's first "
                                            "output as a NumPy array")
    close(results[1], forward(params2, x2), "after the file at the same path was overwritten with another model, "
          "onnx_predict still answered with the old one: read the file on every call (no session kept between calls)",
          rtol=1e-4, atol=1e-4)
