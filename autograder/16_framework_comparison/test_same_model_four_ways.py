"""Hidden tests of same_model_four_ways: four test accuracies of one multinomial logistic regression,
each within 0.05 of scikit-learn's LogisticRegression(max_iter=1000), computed here.

An accuracy is a number the learner's function reports about itself, and copying scikit-learn's into
the other keys would match it. So each framework's number must also *depend on that framework's
training*: the function is called a second time, on other data, with the gradients of PyTorch's
autograd and of TensorFlow's GradientTape (which Keras's `fit` uses too) reversed. A model trained by
gradient descent then climbs the loss instead, and its test accuracy collapses; a number that did not
come from training in that framework does not move. The expected accuracies are computed here, from
data drawn here.
"""
import numpy as np
from sklearn.linear_model import LogisticRegression

from dlcourse.grading import expect, graded, probe
from dlcourse.runner import ProbeFailed

KEYS = ["keras", "sklearn", "tf_core", "torch"]
DROP = 0.2          # reversed gradients: each trained model's accuracy falls at least this far below sklearn's


def _cache(sub) -> dict:
    """The two calls, shared by the five tests of one grading (``sub.shared``: new for every grading and draw)."""
    return sub.shared.setdefault("same_model_four_ways", {})


@probe
def probe_four(mod, X_train, y_train, X_test, y_test):
    out = mod.same_model_four_ways(X_train, y_train, X_test, y_test)
    if not isinstance(out, dict):
        return {"kind": "other"}
    values = {}
    for k, v in out.items():
        values[str(k)] = [float(v), isinstance(v, float)] if isinstance(v, (int, float, np.number)) else [None, False]
    return {"kind": "dict", "values": values}


@probe
def probe_four_reversed(mod, X_train, y_train, X_test, y_test):
    """The same call with every gradient of torch's autograd and of tf.GradientTape negated, and
    tf.function graphs run eagerly (so no graph traced before keeps the old gradients)."""
    import functools

    real_backward, real_grad, real_gradient = torch.autograd.backward, torch.autograd.grad, tf.GradientTape.gradient

    def negated(outputs, grads):
        outputs = (outputs,) if isinstance(outputs, torch.Tensor) else tuple(outputs)
        if grads is None or isinstance(grads, torch.Tensor):
            grads = [grads] * len(outputs) if grads is None else [grads]
        return outputs, [-(torch.ones_like(o) if g is None else g) for o, g in zip(outputs, grads)]

    @functools.wraps(real_backward)
    def backward(tensors, grad_tensors=None, *args, **kwargs):
        return real_backward(*negated(tensors, grad_tensors), *args, **kwargs)

    @functools.wraps(real_grad)
    def grad(outputs, inputs, grad_outputs=None, *args, **kwargs):
        outputs, grad_outputs = negated(outputs, grad_outputs)
        return real_grad(outputs, inputs, grad_outputs, *args, **kwargs)

    def flip(g):
        if g is None:
            return None
        if isinstance(g, tf.IndexedSlices):
            return tf.IndexedSlices(-g.values, g.indices, g.dense_shape)
        return -g

    @functools.wraps(real_gradient)
    def gradient(self, target, sources, *args, **kwargs):
        return tf.nest.map_structure(flip, real_gradient(self, target, sources, *args, **kwargs))

    for f in (backward, grad, gradient):
        del f.__wrapped__
    eager = tf.config.functions_run_eagerly()
    torch.autograd.backward, torch.autograd.grad, tf.GradientTape.gradient = backward, grad, gradient
    tf.config.run_functions_eagerly(True)
    try:
        out = mod.same_model_four_ways(X_train, y_train, X_test, y_test)
    finally:
        torch.autograd.backward, torch.autograd.grad, tf.GradientTape.gradient = real_backward, real_grad, real_gradient
        tf.config.run_functions_eagerly(eager)
    if not isinstance(out, dict):
        return {"kind": "other"}
    values = {str(k): float(v) if isinstance(v, (int, float, np.number)) else None for k, v in out.items()}
    return {"kind": "dict", "values": values}


def _data(rng, n_train, n_test, flip_rate=0.25, spread=2.0, imbalanced=False):
    """Standardised Gaussian classes; some test labels flipped, so test accuracy is far from training accuracy.
    Imbalanced: one class (drawn) holds most of the samples and sits amid the others. Without biases each class's
    region is a cone from the data's mean, which cannot hold that class: a model whose biases are not trained
    scores at least 0.16 lower (500 draws)."""
    k, d = int(rng.integers(3, 5)), int(rng.integers(4, 8))
    means = rng.normal(0, spread, (k, d))
    priors = None
    if imbalanced:
        weights = rng.permutation(np.r_[3.0, rng.uniform(0.2, 0.6, k - 1)])
        priors = weights / weights.sum()
        major = int(np.argmax(priors))
        means[major] = np.delete(means, major, axis=0).mean(axis=0)

    def draw(n):
        y = rng.choice(k, n, p=priors)
        return means[y] + rng.standard_normal((n, d)), y

    X_train, y_train = draw(n_train)
    X_test, y_test = draw(n_test)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    flip = rng.uniform(size=len(y_test)) < flip_rate
    y_test = np.where(flip, (y_test + rng.integers(1, k, len(y_test))) % k, y_test)
    return (((X_train - mean) / std).astype("float32"), y_train.astype("int64"),
            ((X_test - mean) / std).astype("float32"), y_test.astype("int64"))


def _elongated(rng, n_train, n_test, loud=8.0):
    """Classes spread along a random direction u where the noise is loud (std ``loud``), and set apart along a
    direction v across it where it is quiet (std 0.5). The boundary that separates them runs across v, not between
    the class means, so lbfgs's first steps (which point from one class mean to another) are far from the
    converged fit: a LogisticRegression stopped early scores at least 0.05 lower (500 draws)."""
    k, d = int(rng.integers(3, 5)), int(rng.integers(4, 8))
    u, v = np.linalg.qr(rng.standard_normal((d, 2)))[0].T
    centred = rng.permutation(k) - (k - 1) / 2
    means = np.outer(0.75 * loud * centred, u) + np.outer(3.0 * rng.permutation(centred), v)

    def draw(n):
        y = rng.choice(k, n)
        return means[y] + 0.5 * rng.standard_normal((n, d)) + np.outer(loud * rng.standard_normal(n), u), y

    X_train, y_train = draw(n_train)
    X_test, y_test = draw(n_test)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (((X_train - mean) / std).astype("float32"), y_train.astype("int64"),
            ((X_test - mean) / std).astype("float32"), y_test.astype("int64"))


def _sklearn_accuracy(data) -> float:
    return float(LogisticRegression(max_iter=1000).fit(data[0], data[1]).score(data[2], data[3]))


def _result(sub, rng):
    """One call per grading run, shared by the tests below (the four fits cost a few seconds)."""
    _CACHE = _cache(sub)
    if "got" not in _CACHE:
        data = _data(rng, 300, 400, imbalanced=True)
        _CACHE["expected"] = _sklearn_accuracy(data)
        try:
            _CACHE["got"] = sub.run(probe_four, *data)
        except ProbeFailed as exc:           # raised, crashed or timed out: the same verdict for every test
            _CACHE["got"] = exc
    got = _CACHE["got"]
    if isinstance(got, ProbeFailed):
        raise got
    expect(isinstance(got, dict) and got.get("kind") == "dict" and isinstance(got.get("values"), dict),
           "same_model_four_ways should return a dict")
    return got["values"], _CACHE["expected"]


def _reversed(sub, rng):
    """The second call, with the frameworks' gradients reversed, on other, separable but elongated data (smaller:
    graphs run eagerly there). Returns (values, sklearn's accuracy on that data); values is None when it raised."""
    _CACHE = _cache(sub)
    if "reversed" not in _CACHE:
        data = _elongated(rng, 120, 600)
        _CACHE["reversed_expected"] = _sklearn_accuracy(data)
        try:
            got = sub.run(probe_four_reversed, *data)
            _CACHE["reversed"] = got["values"] if isinstance(got, dict) and got.get("kind") == "dict" else {}
        except ProbeFailed as exc:
            if not exc.raised:               # a crash or a timeout says nothing about training: it costs the points
                _CACHE["reversed"] = exc
            else:                            # training that fails when its gradients are reversed: it trained
                _CACHE["reversed"] = None
    if isinstance(_CACHE["reversed"], ProbeFailed):
        raise _CACHE["reversed"]
    return _CACHE["reversed"], _CACHE["reversed_expected"]


def _value(values, key):
    expect(key in values, f"the result has no key {key!r}; expected exactly {KEYS}")
    value, _ = values[key]
    expect(isinstance(value, float) and 0.0 <= value <= 1.0, f"result[{key!r}] should be an accuracy, a float in [0, 1]")
    return value


def _check(sub, rng, key):
    values, expected = _result(sub, rng)
    value = _value(values, key)
    expect(abs(value - expected) <= 0.05, f"result[{key!r}] is {value:.3f}, more than 0.05 from scikit-learn's "
                                          "LogisticRegression test accuracy: is it trained to convergence, and "
                                          "measured on the test set?")


def _check_trained_in_framework(sub, rng, key, framework):
    _check(sub, rng, key)
    values, expected = _reversed(sub, rng)
    if values is None:
        return
    value = values.get(key)
    expect(isinstance(value, float) and value <= expected - DROP,
           f"result[{key!r}] does not come from the model trained with {framework}: it should be that model's "
           "test accuracy")


@graded("same_model_four_ways", points=1)
def test_same_model_four_ways_returns_the_four_float_accuracies(sub, rng):
    values, expected = _result(sub, rng)
    expect(sorted(values) == KEYS, f"same_model_four_ways should return exactly the keys {KEYS}")
    expect(all(is_float for _, is_float in values.values()), "every value should be a Python float")
    expect(abs(_value(values, "sklearn") - expected) <= 0.05, "result['sklearn'] should be the test accuracy of "
                                                              "LogisticRegression(max_iter=1000)")


@graded("same_model_four_ways", points=1)
def test_same_model_four_ways_sklearn_accuracy(sub, rng):
    _check(sub, rng, "sklearn")
    values, expected = _reversed(sub, rng)
    if values is not None:
        value = values.get("sklearn")
        expect(isinstance(value, float) and abs(value - expected) <= 0.05,
               "result['sklearn'] should be scikit-learn's test accuracy on the data of each call")


@graded("same_model_four_ways", points=1)
def test_same_model_four_ways_keras_accuracy(sub, rng):
    _check_trained_in_framework(sub, rng, "keras", "Keras")


@graded("same_model_four_ways", points=1)
def test_same_model_four_ways_torch_accuracy(sub, rng):
    _check_trained_in_framework(sub, rng, "torch", "PyTorch")


@graded("same_model_four_ways", points=1)
def test_same_model_four_ways_tf_core_accuracy(sub, rng):
    _check_trained_in_framework(sub, rng, "tf_core", "tf.GradientTape")
