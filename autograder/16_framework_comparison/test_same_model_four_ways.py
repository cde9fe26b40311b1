"""Hidden tests of same_model_four_ways: four test accuracies of one multinomial logistic regression,
each within 0.05 of scikit-learn's LogisticRegression(max_iter=1000), computed here."""
import numpy as np
from sklearn.linear_model import LogisticRegression

from dlcourse.grading import expect, graded, probe

KEYS = ["keras", "sklearn", "tf_core", "torch"]
_CACHE = {}


@probe
def probe_four(mod, X_train, y_train, X_test, y_test):
    out = mod.same_model_four_ways(X_train, y_train, X_test, y_test)
    if not isinstance(out, dict):
        return {"kind": type(out).__name__}
    values = {}
    for k, v in out.items():
        values[str(k)] = [float(v), isinstance(v, float)] if isinstance(v, (int, float, np.number)) else [None, False]
    return {"kind": "dict", "values": values}


def _data(rng):
    """Standardised Gaussian classes; some test labels flipped, so test accuracy is far from training accuracy."""
    k, d = int(rng.integers(3, 5)), int(rng.integers(4, 8))
    means = rng.normal(0, 2.0, (k, d))

    def draw(n):
        y = rng.integers(0, k, n)
        return means[y] + rng.standard_normal((n, d)), y

    X_train, y_train = draw(300)
    X_test, y_test = draw(400)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    flip = rng.uniform(size=len(y_test)) < 0.25
    y_test = np.where(flip, (y_test + rng.integers(1, k, len(y_test))) % k, y_test)
    return (((X_train - mean) / std).astype("float32"), y_train.astype("int64"),
            ((X_test - mean) / std).astype("float32"), y_test.astype("int64"))


def _result(sub, rng):
    """One call per grading run, shared by the tests below (the four fits cost a few seconds)."""
    if "got" not in _CACHE:
        data = _data(rng)
        _CACHE["expected"] = float(LogisticRegression(max_iter=1000).fit(data[0], data[1]).score(data[2], data[3]))
        _CACHE["got"] = sub.run(probe_four, *data)
    got = _CACHE["got"]
    expect(got["kind"] == "dict", "same_model_four_ways should return a dict")
    return got["values"], _CACHE["expected"]


def _check(sub, rng, key):
    values, expected = _result(sub, rng)
    expect(key in values, f"the result has no key {key!r}; expected exactly {KEYS}")
    value, _ = values[key]
    expect(value is not None and 0.0 <= value <= 1.0, f"result[{key!r}] should be an accuracy, a float in [0, 1]")
    expect(abs(value - expected) <= 0.05, f"result[{key!r}] is {value:.3f}, more than 0.05 from scikit-learn's "
                                          "LogisticRegression test accuracy: is it trained to convergence, and "
                                          "measured on the test set?")


@graded("same_model_four_ways", points=1)
def test_same_model_four_ways_returns_the_four_float_accuracies(sub, rng):
    values, _ = _result(sub, rng)
    expect(sorted(values) == KEYS, f"same_model_four_ways should return exactly the keys {KEYS}")
    expect(all(is_float for _, is_float in values.values()), "every value should be a Python float")


@graded("same_model_four_ways", points=1)
def test_same_model_four_ways_sklearn_accuracy(sub, rng):
    _check(sub, rng, "sklearn")


@graded("same_model_four_ways", points=1)
def test_same_model_four_ways_keras_accuracy(sub, rng):
    _check(sub, rng, "keras")


@graded("same_model_four_ways", points=1)
def test_same_model_four_ways_torch_accuracy(sub, rng):
    _check(sub, rng, "torch")


@graded("same_model_four_ways", points=1)
def test_same_model_four_ways_tf_core_accuracy(sub, rng):
    _check(sub, rng, "tf_core")
