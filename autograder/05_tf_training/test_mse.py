"""Hidden tests of mse: the mean of the squared errors over every element, as keras.losses.MeanSquaredError."""
import keras
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_loss(mod, name, args):
    out = np.asarray(getattr(mod, name)(*args), dtype=np.float64)
    return {"value": out.reshape(()) if out.size == 1 else out, "size": int(out.size)}


def _check(got, expected, message):
    expect(got["size"] == 1, "mse should return one number for the whole batch (the mean), "
                             f"not {got['size']} values")
    close(got["value"], expected, message, rtol=1e-4, atol=1e-6)


@graded("mse", points=1)
def test_mse_matches_keras_on_vectors(sub, rng):
    n = int(rng.integers(5, 200))
    y_true = rng.normal(0, 3, n).astype("float32")
    y_pred = (y_true + rng.normal(0, 2, n)).astype("float32")
    got = sub.run(probe_loss, "mse", [y_true, y_pred])
    expected = float(keras.losses.MeanSquaredError()(y_true, y_pred))
    _check(got, expected, "mse of two vectors differs from keras.losses.MeanSquaredError (the mean over the batch "
                          "of the squared errors)")


@graded("mse", points=1)
def test_mse_matches_keras_on_multi_output_batches(sub, rng):
    n, k = int(rng.integers(5, 100)), int(rng.integers(2, 6))
    y_true = rng.normal(0, 3, (n, k)).astype("float32")
    y_pred = (y_true + rng.normal(0, 2, (n, k))).astype("float32")
    got = sub.run(probe_loss, "mse", [y_true, y_pred])
    expected = float(keras.losses.MeanSquaredError()(y_true, y_pred))
    _check(got, expected, f"mse of ({n}, {k}) arrays differs from keras.losses.MeanSquaredError: per sample the "
                          "mean over the outputs, then the mean over the batch")
