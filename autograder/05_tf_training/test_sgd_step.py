"""Hidden tests of sgd_step: one plain gradient step, and a sequence of steps equal to
keras.optimizers.SGD with the same learning rate."""
import keras
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_sgd(mod, w0, grads, lr):
    w, out = w0, []
    for g in grads:
        state = mod.sgd_step(w, g, lr)
        if not isinstance(state, tuple) or len(state) != 1:
            return {"error": f"sgd_step should return a tuple (w,), got a {type(state).__name__}"
                             + (f" of length {len(state)}" if isinstance(state, (tuple, list)) else "")}
        w = np.array(state[0], dtype=np.float32)
        out.append(w.astype(np.float64))
    return {"error": None, "w": np.stack(out)}


def keras_trajectory(optimizer, w0, grads):
    """The weights after each step of a Keras optimizer fed the gradients in turn (float32)."""
    var = keras.Variable(np.asarray(w0, dtype="float32"))
    out = []
    for g in grads:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(np.asarray(g, dtype="float32")), var)])
        out.append(np.array(var.numpy(), dtype=np.float64))
    return np.stack(out)


def _shape(rng):
    return tuple(int(d) for d in rng.integers(1, 6, int(rng.integers(1, 4))))


@graded("sgd_step", points=1)
def test_sgd_step_one_step(sub, rng):
    shape = _shape(rng)
    w0 = rng.standard_normal(shape).astype("float32")
    g = rng.standard_normal((1,) + shape).astype("float32")
    lr = float(rng.uniform(0.01, 0.5))
    got = sub.run(probe_sgd, w0, g, lr)
    expect(got["error"] is None, str(got["error"]))
    close(got["w"][0], w0.astype(np.float64) - lr * g[0], "one sgd_step should move w against the gradient by "
          "lr times the gradient", rtol=1e-5, atol=1e-6)


@graded("sgd_step", points=1)
def test_sgd_step_matches_keras_sgd_over_many_steps(sub, rng):
    shape, steps = _shape(rng), int(rng.integers(20, 51))
    w0 = rng.standard_normal(shape).astype("float32")
    grads = (rng.standard_normal((steps,) + shape) * 10 ** rng.uniform(-3, 0, shape)).astype("float32")
    lr = float(10 ** rng.uniform(-3, -0.5))
    got = sub.run(probe_sgd, w0, grads, lr)
    expect(got["error"] is None, str(got["error"]))
    ref = keras_trajectory(keras.optimizers.SGD(learning_rate=lr), w0, grads)
    close(got["w"], ref, f"over {steps} steps, the weights from sgd_step differ from keras.optimizers.SGD's "
          "with the same learning rate", rtol=1e-4, atol=1e-5)
