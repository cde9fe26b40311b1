"""Hidden tests of huber: quadratic inside delta, linear outside, mean over the batch, as keras.losses.Huber."""
import keras
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_huber(mod, y_true, y_pred, delta):
    out = mod.huber(y_true, y_pred) if delta is None else mod.huber(y_true, y_pred, delta)
    out = np.asarray(out, dtype=np.float64)
    return {"value": out.reshape(()) if out.size == 1 else out, "size": int(out.size)}


def _case(rng, delta):
    shape = (int(rng.integers(20, 200)),) + ((int(rng.integers(2, 5)),) if rng.random() < 0.5 else ())
    y_true = rng.normal(0, 2, shape).astype("float32")
    # errors on both sides of delta
    err = rng.normal(0, 1, shape) * (delta if delta else 1.0) * 10 ** rng.uniform(-1, 1, shape)
    return y_true, (y_true + err).astype("float32")


@graded("huber", points=1)
def test_huber_matches_keras_with_default_delta(sub, rng):
    y_true, y_pred = _case(rng, None)
    got = sub.run(probe_huber, y_true, y_pred, None)
    expect(got["size"] == 1, f"huber should return one number for the batch (the mean), not {got['size']} values")
    close(got["value"], float(keras.losses.Huber()(y_true, y_pred)),
          "huber(y_true, y_pred) differs from keras.losses.Huber() (delta=1.0)", rtol=1e-4, atol=1e-6)


@graded("huber", points=1)
def test_huber_matches_keras_with_drawn_delta(sub, rng):
    delta = float(10 ** rng.uniform(-0.7, 0.7))
    y_true, y_pred = _case(rng, delta)
    got = sub.run(probe_huber, y_true, y_pred, delta)
    expect(got["size"] == 1, f"huber should return one number for the batch (the mean), not {got['size']} values")
    close(got["value"], float(keras.losses.Huber(delta=delta)(y_true, y_pred)),
          "huber(y_true, y_pred, delta) differs from keras.losses.Huber(delta=delta) for a delta other than 1",
          rtol=1e-4, atol=1e-6)
