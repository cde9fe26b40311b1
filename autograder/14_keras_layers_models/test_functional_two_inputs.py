"""Hidden tests of functional_two_inputs: inputs named numeric and tokens, outputs named label
(softmax) and score (linear), both inputs used."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_two(mod, num_dim, text_len, vocab, num_classes, xn, xt, xn2, xt2):
    model = mod.functional_two_inputs(num_dim, text_len, vocab, num_classes)
    out = {"inputs": {}}
    for t in model.inputs:
        out["inputs"][str(t.name)] = {"shape": [None if d is None else int(d) for d in t.shape], "dtype": str(t.dtype)}

    def named(result):
        if isinstance(result, dict):
            return {str(k): np.asarray(v) for k, v in result.items()}
        result = result if isinstance(result, (list, tuple)) else [result]
        return {str(k): np.asarray(v) for k, v in zip(model.output_names, result)}

    def run(a, b):
        return named(model({"numeric": tf.constant(a), "tokens": tf.constant(b)}, training=False))

    out["outputs"] = run(xn, xt)
    out["numeric_changed"] = run(xn2, xt)
    out["tokens_changed"] = run(xn, xt2)
    struct = model.output
    if isinstance(struct, dict):
        tensor = struct.get("score")
    else:
        names = list(model.output_names)
        tensor = model.outputs[names.index("score")] if "score" in names else None
    if tensor is not None:
        layer = tensor._keras_history.operation
        feed = keras.Model(model.inputs, layer.input)
        out["score_in"] = np.asarray(feed({"numeric": tf.constant(xn), "tokens": tf.constant(xt)}, training=False))
        out["score_weights"] = [np.asarray(w) for w in layer.weights]
    return out


def _draw(rng):
    num_dim, text_len = int(rng.integers(3, 8)), int(rng.integers(4, 12))
    vocab, num_classes, n = int(rng.integers(20, 60)), int(rng.integers(2, 6)), int(rng.integers(6, 12))
    xn = rng.standard_normal((n, num_dim)).astype("float32")
    xt = rng.integers(0, vocab, (n, text_len)).astype("int32")
    xn2 = (xn + rng.normal(0, 2.0, xn.shape)).astype("float32")
    xt2 = ((xt + rng.integers(1, vocab, xt.shape)) % vocab).astype("int32")
    return num_dim, text_len, vocab, num_classes, xn, xt, xn2, xt2


def _is_array(value, shape) -> bool:
    """A plain numeric NumPy array of exactly this shape (checked before any arithmetic on it)."""
    return type(value) is np.ndarray and value.dtype.kind in "fiu" and value.shape == tuple(shape)


def _expect_outputs(outputs, n, num_classes, where=""):
    """Both named outputs, of the right shapes, 'label' a softmax."""
    expect(isinstance(outputs, dict) and sorted(outputs) == ["label", "score"],
           "the model's two outputs should be named exactly 'label' and 'score'")
    label, score = outputs["label"], outputs["score"]
    expect(_is_array(label, (n, num_classes)),
           f"the 'label' output should have one row of num_classes values per example{where}")
    expect(_is_array(score, (n, 1)), f"the 'score' output should have shape (batch, 1){where}")
    expect(bool(np.all(label >= 0)), "the 'label' output should be probabilities (a softmax): no negative values")
    close(label.sum(axis=1), np.ones(n), "the 'label' output should be a softmax: every row sums to 1", atol=1e-4)


@graded("functional_two_inputs", points=2)
def test_functional_inputs_are_named_numeric_and_tokens(sub, rng):
    case = _draw(rng)
    num_dim, text_len, num_classes, n = case[0], case[1], case[3], len(case[4])
    got = sub.run(probe_two, *case)
    inputs = got["inputs"]
    expect(isinstance(inputs, dict) and sorted(inputs) == ["numeric", "tokens"],
           "the model's two inputs should be named exactly 'numeric' and 'tokens' (keras.Input(..., name=...))")
    expect(inputs["numeric"]["shape"] == [None, num_dim] and "float" in inputs["numeric"]["dtype"],
           "the 'numeric' input should be float32 of shape (num_dim,)")
    expect(inputs["tokens"]["shape"] == [None, text_len] and "int" in inputs["tokens"]["dtype"],
           "the 'tokens' input should hold integer ids, of shape (text_len,)")
    _expect_outputs(got["outputs"], n, num_classes, " when called with a dict keyed by the input names")


@graded("functional_two_inputs", points=2)
def test_functional_label_output_is_a_softmax_over_classes(sub, rng):
    case = _draw(rng)
    got = sub.run(probe_two, *case)
    _expect_outputs(got["outputs"], len(case[4]), case[3])


@graded("functional_two_inputs", points=1)
def test_functional_score_output_is_one_linear_unit(sub, rng):
    case = _draw(rng)
    n = len(case[4])
    got = sub.run(probe_two, *case)
    outputs = got["outputs"]
    expect(isinstance(outputs, dict) and _is_array(outputs.get("score"), (n, 1)),
           "the 'score' output should have shape (batch, 1)")
    expect("score_in" in got, "the 'score' output should come from a layer of the model")
    h, weights = got["score_in"], got["score_weights"]
    expect(type(h) is np.ndarray and h.dtype.kind == "f" and h.ndim == 2 and h.shape[0] == n and h.shape[1] <= 4096,
           "the 'score' output should be a Dense(1) on one hidden vector per example")
    width = h.shape[1]
    expect(isinstance(weights, list) and len(weights) in (0, 2), "the 'score' output should be a Dense(1) layer")
    if len(weights) == 0:
        expected = h.astype(np.float64)
    else:
        expect(_is_array(weights[0], (width, 1)) and _is_array(weights[1], (1,)),
               "the 'score' output should be a Dense(1) layer: a kernel (features, 1) and a bias (1,)")
        expected = h.astype(np.float64) @ weights[0].astype(np.float64) + weights[1].astype(np.float64)
    close(outputs["score"], expected, "the 'score' output should be a Dense(1) with a linear activation "
                                      "(no sigmoid, no ReLU)", rtol=1e-4, atol=1e-5)


@graded("functional_two_inputs", points=1)
def test_functional_outputs_depend_on_both_inputs(sub, rng):
    case = _draw(rng)
    n, num_classes = len(case[4]), case[3]
    got = sub.run(probe_two, *case)
    base = got["outputs"]
    _expect_outputs(base, n, num_classes)
    for key, what in (("numeric_changed", "numeric"), ("tokens_changed", "tokens")):
        changed = got[key]
        _expect_outputs(changed, n, num_classes)
        expect(not (np.allclose(changed["label"], base["label"]) and np.allclose(changed["score"], base["score"])),
               f"changing the '{what}' input leaves both outputs unchanged: both inputs should feed the outputs")
