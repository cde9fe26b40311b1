"""Hidden tests of adam_step: Keras 3's Adam (bias correction folded into the step size,
epsilon added to sqrt(v)), against keras.optimizers.Adam over many steps."""
import keras
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_adam(mod, w0, grads, lr, beta_1, beta_2, epsilon):
    w, m, v, out = w0, np.zeros_like(w0), np.zeros_like(w0), []
    for t, g in enumerate(grads, start=1):
        state = mod.adam_step(w, g, m, v, t, lr, beta_1, beta_2, epsilon)
        if not isinstance(state, tuple) or len(state) != 3:
            return {"error": "adam_step should return a tuple (w, m, v), got a " + type(state).__name__
                             + (f" of length {len(state)}" if isinstance(state, (tuple, list)) else "")}
        w, m, v = (np.array(s, dtype=np.float32) for s in state)
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


def _run(sub, rng, steps, small):
    shape = tuple(int(d) for d in rng.integers(2, 6, int(rng.integers(1, 4))))
    w0 = rng.standard_normal(shape).astype("float32")
    if small:   # gradients around epsilon: where epsilon goes changes the step
        epsilon = float(10 ** rng.uniform(-5, -3))
        scale = epsilon * 10 ** rng.uniform(-1, 1, shape)
    else:       # epsilon far below sqrt(v): its place is the small-gradient test's question alone
        epsilon = float(10 ** rng.uniform(-12, -10))
        scale = 10 ** rng.uniform(-1.5, 0.5, shape)
    grads = (rng.standard_normal((steps,) + shape) * scale).astype("float32")
    lr = float(10 ** rng.uniform(-3, -1.5))
    beta_1, beta_2 = float(rng.uniform(0.8, 0.95)), float(rng.uniform(0.99, 0.9995))
    got = sub.run(probe_adam, w0, grads, lr, beta_1, beta_2, epsilon)
    expect(got["error"] is None, str(got["error"]))
    ref = keras_trajectory(keras.optimizers.Adam(learning_rate=lr, beta_1=beta_1, beta_2=beta_2,
                                                 epsilon=epsilon), w0, grads)
    return got["w"], ref


@graded("adam_step", points=1)
def test_adam_step_first_steps_are_bias_corrected(sub, rng):
    w, ref = _run(sub, rng, 3, small=False)
    close(w, ref, "the first few adam_steps (t = 1, 2, 3) differ from keras.optimizers.Adam's: with m and v "
          "starting at zero, the step needs the bias correction", rtol=1e-4, atol=1e-5)


@graded("adam_step", points=2)
def test_adam_step_matches_keras_adam(sub, rng):
    steps = int(rng.integers(20, 51))
    w, ref = _run(sub, rng, steps, small=False)
    close(w, ref, f"over {steps} steps, the weights from adam_step differ from keras.optimizers.Adam's with the "
          "same hyper-parameters", rtol=1e-4, atol=1e-5)


@graded("adam_step", points=1)
def test_adam_step_small_gradients_epsilon_placement(sub, rng):
    steps = int(rng.integers(20, 51))
    w, ref = _run(sub, rng, steps, small=True)
    close(w, ref, f"with small gradients (near epsilon), {steps} adam_steps differ from keras.optimizers.Adam: "
          "check where epsilon goes, and that the bias correction is folded into the step size as Keras 3 "
          "does", rtol=1e-4, atol=1e-5)
