"""Hidden tests of MLPModel: logits of a ReLU MLP, hidden sizes from the list, dropout only
when training."""
from itertools import permutations

import numpy as np

from dlcourse.grading import expect, graded, probe


@probe
def probe_mlp(mod, hidden, num_classes, rate, x):
    model = mod.MLPModel(list(hidden), num_classes, dropout=rate)
    xt = tf.constant(x)
    out = {"eval": np.asarray(model(xt, training=False)), "eval_again": np.asarray(model(xt, training=False)),
           "default": np.asarray(model(xt)), "train": np.asarray(model(xt, training=True)),
           "train_again": np.asarray(model(xt, training=True))}
    out["is_model"] = isinstance(model, keras.Model)
    out["weights"] = [w.numpy() for w in model.trainable_weights]
    out["n_weights"] = len(model.weights)
    plain = mod.MLPModel(list(hidden), num_classes)           # the default dropout rate
    out["plain"] = [np.asarray(plain(xt, training=False)), np.asarray(plain(xt, training=True))]
    return out


def _draw(rng):
    hidden = [int(h) for h in rng.integers(5, 17, size=int(rng.integers(1, 4)))]
    num_classes, d = int(rng.integers(2, 6)), int(rng.integers(3, 9))
    x = rng.standard_normal((int(rng.integers(4, 9)), d)).astype("float32")
    rate = float(rng.uniform(0.3, 0.6))
    return hidden, num_classes, rate, x


def _layers(weights):
    """(kernel, bias) pairs: each 2-D weight with the next unused 1-D weight of its width."""
    pairs, used = [], set()
    for i, w in enumerate(weights):
        if np.ndim(w) != 2:
            continue
        for j in range(i + 1, len(weights)):
            if j not in used and np.ndim(weights[j]) == 1 and len(weights[j]) == w.shape[1]:
                used.add(j)
                pairs.append((np.asarray(w, np.float64), np.asarray(weights[j], np.float64)))
                break
    return pairs


@graded("MLPModel", points=2)
def test_mlp_model_returns_logits_of_relu_layers(sub, rng):
    hidden, num_classes, rate, x = _draw(rng)
    got = sub.run(probe_mlp, hidden, num_classes, rate, x)
    y = np.asarray(got["eval"], dtype=np.float64)
    expect(y.shape == (x.shape[0], num_classes), "MLPModel should return one row of num_classes logits per example")
    pairs = _layers(got["weights"])
    expect(len(pairs) == len(hidden) + 1, "MLPModel should have one fully connected layer per hidden size, plus the output layer")
    for order in permutations(pairs):
        h = x.astype(np.float64)
        try:
            for k, (w, b) in enumerate(order):
                h = h @ w + b
                if k < len(order) - 1:
                    h = np.maximum(h, 0.0)
        except ValueError:
            continue
        if h.shape == y.shape and np.allclose(y, h, rtol=1e-4, atol=1e-5):
            return
    expect(False, "with training=False, MLPModel should return the logits of ReLU hidden layers "
                  "followed by a linear output layer (no activation, no softmax)")


@graded("MLPModel", points=1)
def test_mlp_model_layer_sizes_follow_hidden_units(sub, rng):
    hidden, num_classes, rate, x = _draw(rng)
    got = sub.run(probe_mlp, hidden, num_classes, rate, x)
    expect(got["is_model"], "MLPModel should be a subclass of keras.Model")
    sizes = [x.shape[1], *hidden, num_classes]
    expected = sorted([(a, b) for a, b in zip(sizes, sizes[1:])] + [(b,) for b in sizes[1:]])
    shapes = sorted(tuple(int(s) for s in np.shape(w)) for w in got["weights"])
    expect(shapes == expected and got["n_weights"] == len(expected),
           "MLPModel's weights should be exactly the kernels and biases of a layer per entry of "
           "hidden_units (in order) and of the num_classes output layer")


@graded("MLPModel", points=2)
def test_mlp_model_applies_dropout_only_when_training(sub, rng):
    hidden, num_classes, rate, x = _draw(rng)
    got = sub.run(probe_mlp, hidden, num_classes, rate, x)
    expect(np.array_equal(got["eval"], got["eval_again"]) and np.array_equal(got["eval"], got["default"]),
           "MLPModel with training=False (the default) should give the same output every call: no dropout at inference")
    expect(not np.allclose(got["train"], got["eval"]) and not np.allclose(got["train"], got["train_again"]),
           "MLPModel with dropout > 0 and training=True should apply dropout (outputs change from call to call)")
    plain_eval, plain_train = got["plain"]
    expect(np.shape(plain_eval) == (x.shape[0], num_classes) and np.shape(plain_train) == np.shape(plain_eval)
           and np.allclose(plain_train, plain_eval, rtol=1e-6, atol=1e-6),
           "MLPModel built without a dropout rate (default 0.0) should drop nothing, also with training=True")
