"""Hidden tests of momentum_step: Keras's momentum formula, v = momentum*v - lr*g; w = w + v,
checked step by step against keras.optimizers.SGD(momentum=...)."""
import keras
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_momentum(mod, w0, grads, lr, momentum):
    w, velocity, out = w0, np.zeros_like(w0), []
    for g in grads:
        state = mod.momentum_step(w, g, velocity, lr, momentum)
        if not isinstance(state, tuple) or len(state) != 2:
            return {"error": "momentum_step should return a tuple (w, velocity), got a " + type(state).__name__
                             + (f" of length {len(state)}" if isinstance(state, (tuple, list)) else "")}
        w, velocity = np.array(state[0], dtype=np.float32), np.array(state[1], dtype=np.float32)
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


def _case(rng, steps):
    shape = tuple(int(d) for d in rng.integers(1, 6, int(rng.integers(1, 4))))
    w0 = rng.standard_normal(shape).astype("float32")
    grads = (rng.standard_normal((steps,) + shape) * 10 ** rng.uniform(-3, 0, shape)).astype("float32")
    return w0, grads, float(10 ** rng.uniform(-3, -1)), float(rng.uniform(0.5, 0.95))


@graded("momentum_step", points=1)
def test_momentum_step_first_step_from_zero_velocity(sub, rng):
    w0, grads, lr, momentum = _case(rng, 1)
    got = sub.run(probe_momentum, w0, grads, lr, momentum)
    expect(got["error"] is None, str(got["error"]))
    close(got["w"][0], w0.astype(np.float64) - lr * grads[0],
          "from a zero velocity, the first momentum_step should move w by -lr * g (downhill), as plain SGD does",
          rtol=1e-5, atol=1e-6)


@graded("momentum_step", points=2)
def test_momentum_step_matches_keras_sgd_momentum(sub, rng):
    steps = int(rng.integers(20, 51))
    w0, grads, lr, momentum = _case(rng, steps)
    # a steady gradient component, so that velocity builds up
    grads = (grads + rng.standard_normal(w0.shape).astype("float32")).astype("float32")
    got = sub.run(probe_momentum, w0, grads, lr, momentum)
    expect(got["error"] is None, str(got["error"]))
    ref = keras_trajectory(keras.optimizers.SGD(learning_rate=lr, momentum=momentum), w0, grads)
    close(got["w"], ref, f"over {steps} steps, the weights from momentum_step differ from "
          "keras.optimizers.SGD(momentum=...)'s with the same hyper-parameters", rtol=1e-4, atol=1e-5)
