"""Hidden tests of rmsprop_step: Keras 3's RMSprop, avg_sq = rho*avg_sq + (1-rho)*g**2;
w -= lr*g / sqrt(avg_sq + epsilon), against keras.optimizers.RMSprop over many steps."""
import keras
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_rmsprop(mod, w0, grads, lr, rho, epsilon):
    w, avg_sq, out = w0, np.zeros_like(w0), []
    for g in grads:
        state = mod.rmsprop_step(w, g, avg_sq, lr, rho, epsilon)
        if not isinstance(state, tuple) or len(state) != 2:
            return {"error": "rmsprop_step should return a tuple (w, avg_sq), got a " + type(state).__name__
                             + (f" of length {len(state)}" if isinstance(state, (tuple, list)) else "")}
        w, avg_sq = np.array(state[0], dtype=np.float32), np.array(state[1], dtype=np.float32)
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


def _run(sub, rng, small):
    shape = tuple(int(d) for d in rng.integers(2, 6, int(rng.integers(1, 4))))
    steps = int(rng.integers(20, 51))
    w0 = rng.standard_normal(shape).astype("float32")
    if small:   # gradients around sqrt(epsilon): where epsilon's place changes the step
        epsilon = float(10 ** rng.uniform(-6, -3))
        scale = np.sqrt(epsilon) * 10 ** rng.uniform(-1, 1, shape)
    else:       # epsilon far below avg_sq: its place is the small-gradient test's question alone
        epsilon = float(10 ** rng.uniform(-12, -10))
        scale = 10 ** rng.uniform(-1, 0.5, shape)
    grads = (rng.standard_normal((steps,) + shape) * scale).astype("float32")
    lr, rho = float(10 ** rng.uniform(-3, -1.5)), float(rng.uniform(0.8, 0.99))
    got = sub.run(probe_rmsprop, w0, grads, lr, rho, epsilon)
    expect(got["error"] is None, str(got["error"]))
    ref = keras_trajectory(keras.optimizers.RMSprop(learning_rate=lr, rho=rho, epsilon=epsilon), w0, grads)
    return got["w"], ref, steps


@graded("rmsprop_step", points=2)
def test_rmsprop_step_matches_keras_rmsprop(sub, rng):
    w, ref, steps = _run(sub, rng, small=False)
    close(w, ref, f"over {steps} steps, the weights from rmsprop_step differ from keras.optimizers.RMSprop's "
          "with the same hyper-parameters", rtol=1e-4, atol=1e-5)


@graded("rmsprop_step", points=1)
def test_rmsprop_step_small_gradients_epsilon_placement(sub, rng):
    w, ref, steps = _run(sub, rng, small=True)
    close(w, ref, f"with small gradients (near sqrt(epsilon)), {steps} rmsprop_steps differ from "
          "keras.optimizers.RMSprop: check where epsilon goes in Keras 3's formula", rtol=1e-4, atol=1e-5)
