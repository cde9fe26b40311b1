"""Hidden tests of binary_crossentropy_from_logits: the mean binary cross-entropy of logits, as
keras.losses.BinaryCrossentropy(from_logits=True), finite and right for logits of magnitude 1000."""
import keras
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_bce(mod, y_true, logits):
    out = np.asarray(mod.binary_crossentropy_from_logits(y_true, logits), dtype=np.float64)
    return {"value": out.reshape(()) if out.size == 1 else out, "size": int(out.size)}


def _case(rng, scale):
    shape = (int(rng.integers(10, 200)),) + ((1,) if rng.random() < 0.5 else ())
    y_true = rng.integers(0, 2, shape).astype("float32")
    logits = (rng.standard_normal(shape) * scale).astype("float32")
    return y_true, logits


def _check(got, y_true, logits, message):
    expect(got["size"] == 1, "binary_crossentropy_from_logits should return one number for the batch (the mean), "
                             f"not {got['size']} values")
    expect(bool(np.isfinite(got["value"])), "binary_crossentropy_from_logits is not finite (inf or nan) for large "
                                            "logits: rewrite it so that nothing overflows")
    expected = float(keras.losses.BinaryCrossentropy(from_logits=True)(y_true, logits))
    close(got["value"], expected, message, rtol=1e-4, atol=1e-5)


@graded("binary_crossentropy_from_logits", points=1)
def test_binary_crossentropy_matches_keras(sub, rng):
    y_true, logits = _case(rng, 3.0)
    got = sub.run(probe_bce, y_true, logits)
    _check(got, y_true, logits, "binary_crossentropy_from_logits differs from "
                                "keras.losses.BinaryCrossentropy(from_logits=True) (the mean over the batch)")


@graded("binary_crossentropy_from_logits", points=2)
def test_binary_crossentropy_stable_for_large_logits(sub, rng):
    y_true, logits = _case(rng, 1.0)
    big = rng.random(logits.shape) < 0.5
    logits = np.where(big, np.sign(logits) * rng.uniform(500, 1000, logits.shape), logits).astype("float32")
    # at least one confidently wrong logit every draw: only those tell a clipped log from the exact one
    first = (0,) * logits.ndim
    logits[first] = np.float32((1.0 - 2.0 * y_true[first]) * rng.uniform(500, 1000))
    got = sub.run(probe_bce, y_true, logits)
    _check(got, y_true, logits, "with logits of magnitude up to 1000, binary_crossentropy_from_logits differs from "
                                "keras.losses.BinaryCrossentropy(from_logits=True): a confidently wrong logit x "
                                "costs about |x|, a confidently right one about 0")
