"""Visible checks of 05_tf_training: small fixed examples you can read.

The hidden tests check the same contracts more thoroughly, on fresh random inputs, and compare
with Keras and scikit-learn.
"""
import numpy as np

from dlcourse.visible import Checks

checks = Checks()

W0 = np.array([1.0, -2.0, 0.5], dtype="float32")
G = np.array([[0.5, -1.0, 2.0], [0.4, -0.8, 1.5], [0.3, -0.5, -1.0]], dtype="float32")   # three steps


def _tuple(state, n, name, names):
    checks.expect(isinstance(state, tuple) and len(state) == n,
                  f"{name} should return a tuple {names}, got {type(state).__name__}"
                  + (f" of length {len(state)}" if isinstance(state, (tuple, list)) else ""))


def _keras_weights(optimizer):
    import keras

    var = keras.Variable(W0)
    for g in G:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(g), var)])
    return np.asarray(var.numpy())


@checks.of("sgd_step")
def _(sgd_step):
    state = sgd_step(W0, G[0], 0.1)
    _tuple(state, 1, "sgd_step", "(w,)")
    checks.expect(np.allclose(state[0], [0.95, -1.9, 0.3], atol=1e-6),
                  f"sgd_step(w=[1, -2, 0.5], g=[0.5, -1, 2], lr=0.1) should give w = [0.95, -1.9, 0.3], "
                  f"got {np.round(state[0], 6).tolist()}")


@checks.of("momentum_step")
def _(momentum_step):
    w, v = W0, np.zeros(3, "float32")
    for k, g in enumerate(G):
        state = momentum_step(w, g, v, 0.1, 0.9)
        _tuple(state, 2, "momentum_step", "(w, velocity)")
        w, v = state
        if k == 0:
            checks.expect(np.allclose(w, [0.95, -1.9, 0.3], atol=1e-6),
                          f"the first step from a zero velocity is a plain SGD step: expected [0.95, -1.9, 0.3], "
                          f"got {np.round(w, 6).tolist()}")
    import keras
    ref = _keras_weights(keras.optimizers.SGD(0.1, momentum=0.9))
    checks.expect(np.allclose(w, ref, atol=1e-5),
                  f"three momentum steps (lr 0.1, momentum 0.9) should give Keras's {np.round(ref, 5).tolist()}, "
                  f"got {np.round(w, 5).tolist()}")


@checks.of("rmsprop_step")
def _(rmsprop_step):
    import keras

    w, avg_sq = W0, np.zeros(3, "float32")
    for g in G:
        state = rmsprop_step(w, g, avg_sq, 0.01, 0.9, 1e-7)
        _tuple(state, 2, "rmsprop_step", "(w, avg_sq)")
        w, avg_sq = state
    ref = _keras_weights(keras.optimizers.RMSprop(0.01, rho=0.9, epsilon=1e-7))
    checks.expect(np.allclose(w, ref, atol=1e-5),
                  f"three RMSprop steps (lr 0.01, rho 0.9) should give Keras's {np.round(ref, 5).tolist()}, "
                  f"got {np.round(w, 5).tolist()}")


@checks.of("adam_step")
def _(adam_step):
    import keras

    state = adam_step(W0, G[0], np.zeros(3), np.zeros(3), 1, 0.01, 0.9, 0.999, 1e-7)
    _tuple(state, 3, "adam_step", "(w, m, v)")
    checks.expect(np.allclose(state[0], W0 - 0.01 * np.sign(G[0]), atol=1e-5),
                  "Adam's first step (t=1) moves every weight by about lr against the sign of its gradient: "
                  f"expected about {np.round(W0 - 0.01 * np.sign(G[0]), 5).tolist()}, got "
                  f"{np.round(state[0], 5).tolist()} (bias correction?)")
    w, m, v = W0, np.zeros(3), np.zeros(3)
    for t, g in enumerate(G, start=1):
        w, m, v = adam_step(w, g, m, v, t, 0.01, 0.9, 0.999, 1e-7)
    ref = _keras_weights(keras.optimizers.Adam(0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7))
    checks.expect(np.allclose(w, ref, atol=1e-5),
                  f"three Adam steps (lr 0.01) should give Keras's {np.round(ref, 5).tolist()}, "
                  f"got {np.round(w, 5).tolist()}")


def _number(value, name):
    value = np.asarray(value)
    checks.expect(value.size == 1, f"{name} should return one number (the mean over the batch), got shape {value.shape}")
    return float(value)


@checks.of("mse")
def _(mse):
    got = _number(mse(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 0.0, 3.0, 5.0])), "mse")
    checks.expect(abs(got - 1.25) < 1e-6, f"mse([1, 2, 3, 4], [1, 0, 3, 5]) = (0 + 4 + 0 + 1) / 4 = 1.25, got {got}")


@checks.of("binary_crossentropy_from_logits")
def _(binary_crossentropy_from_logits):
    got = _number(binary_crossentropy_from_logits(np.array([1.0, 0.0]), np.array([0.0, 0.0])),
                  "binary_crossentropy_from_logits")
    checks.expect(abs(got - np.log(2)) < 1e-6, f"a logit of 0 is a probability of 1/2: the loss is log 2 = 0.6931, got {got}")
    got = _number(binary_crossentropy_from_logits(np.array([1.0, 0.0]), np.array([20.0, -20.0])),
                  "binary_crossentropy_from_logits")
    checks.expect(0 <= got < 1e-8, f"confident right answers (logits 20 for a 1, -20 for a 0) should cost about 0, got {got}")


@checks.of("sparse_categorical_crossentropy_from_logits")
def _(sparse_categorical_crossentropy_from_logits):
    got = _number(sparse_categorical_crossentropy_from_logits(np.array([0, 2]), np.zeros((2, 3))),
                  "sparse_categorical_crossentropy_from_logits")
    checks.expect(abs(got - np.log(3)) < 1e-6, f"equal logits over 3 classes cost log 3 = 1.0986, got {got}")
    logits = np.array([[2.0, 1.0, 0.0]])
    expected = np.log(np.exp(logits).sum()) - 1.0
    got = _number(sparse_categorical_crossentropy_from_logits(np.array([1]), logits),
                  "sparse_categorical_crossentropy_from_logits")
    checks.expect(abs(got - expected) < 1e-6, f"label 1 with logits [2, 1, 0] costs {expected:.4f}, got {got}")


@checks.of("huber")
def _(huber):
    got = _number(huber(np.zeros(2), np.array([0.5, 3.0])), "huber")
    checks.expect(abs(got - (0.125 + 2.5) / 2) < 1e-6,
                  f"huber with delta 1 of errors 0.5 and 3: (0.5·0.5² + 1·(3 − 0.5)) / 2 = 1.3125, got {got}")


@checks.of("classification_report")
def _(classification_report):
    r = classification_report(np.array([1, 1, 1, 0, 0]), np.array([1, 1, 0, 1, 0]))
    checks.expect(isinstance(r, dict), f"classification_report should return a dict, got a {type(r).__name__}")
    expected = {"accuracy": 0.6, "precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3}
    for key, value in expected.items():
        checks.expect(key in r, f"the report has no key {key!r}; expected keys {sorted(expected)}")
        checks.expect(abs(float(r[key]) - value) < 1e-9, f"for y_true [1,1,1,0,0], y_pred [1,1,0,1,0]: {key} should be "
                                                         f"{value:.4f}, got {r[key]}")


@checks.of("regression_report")
def _(regression_report):
    r = regression_report(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0, 6.0]))
    checks.expect(isinstance(r, dict), f"regression_report should return a dict, got a {type(r).__name__}")
    expected = {"mae": 0.5, "rmse": 1.0, "r2": 1 - 4 / 5}
    for key, value in expected.items():
        checks.expect(key in r, f"the report has no key {key!r}; expected keys {sorted(expected)}")
        checks.expect(abs(float(r[key]) - value) < 1e-9, f"for y_true [1,2,3,4], y_pred [1,2,3,6]: {key} should be "
                                                         f"{value:.4f}, got {r[key]}")


@checks.of("BinaryF1")
def _(BinaryF1):
    import keras

    metric = BinaryF1()
    checks.expect(isinstance(metric, keras.metrics.Metric), "BinaryF1() should be a keras.metrics.Metric")
    metric.update_state(np.array([1.0, 0.0, 1.0]), np.array([0.9, 0.8, 0.2]))
    got = float(metric.result())
    checks.expect(abs(got - 0.5) < 1e-6, f"after one batch with tp=1, fp=1, fn=1 the F1 is 0.5, got {got}")
    metric.update_state(np.array([1.0, 1.0]), np.array([0.7, 0.6]))
    got = float(metric.result())
    checks.expect(abs(got - 0.75) < 1e-6, f"after a second batch with tp=2 the totals are tp=3, fp=1, fn=1: "
                                          f"F1 = 6/8 = 0.75, got {got}")
    metric.reset_state()
    got = float(metric.result())
    checks.expect(got == 0.0, f"after reset_state() nothing has been seen: result() should be 0, got {got}")


check = checks.check
needs = checks.needs
