"""Hidden tests of sparse_categorical_crossentropy_from_logits: integer labels, logits (N, C), the
mean cross-entropy as keras.losses.SparseCategoricalCrossentropy(from_logits=True), stable at 1000."""
import keras
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_scce(mod, y_true, logits):
    out = np.asarray(mod.sparse_categorical_crossentropy_from_logits(y_true, logits), dtype=np.float64)
    return {"value": out.reshape(()) if out.size == 1 else out, "size": int(out.size)}


def _case(rng, scale):
    n, c = int(rng.integers(10, 200)), int(rng.integers(2, 11))
    return rng.integers(0, c, n).astype("int64"), (rng.standard_normal((n, c)) * scale).astype("float32")


def _check(got, y_true, logits, message):
    expect(got["size"] == 1, "sparse_categorical_crossentropy_from_logits should return one number for the batch "
                             f"(the mean), not {got['size']} values")
    expect(bool(np.isfinite(got["value"])), "sparse_categorical_crossentropy_from_logits is not finite (inf or nan) "
                                            "for large logits: rewrite it so that nothing overflows")
    expected = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y_true, logits))
    close(got["value"], expected, message, rtol=1e-4, atol=1e-5)


@graded("sparse_categorical_crossentropy_from_logits", points=1)
def test_sparse_categorical_crossentropy_matches_keras(sub, rng):
    y_true, logits = _case(rng, 3.0)
    got = sub.run(probe_scce, y_true, logits)
    _check(got, y_true, logits, "sparse_categorical_crossentropy_from_logits differs from "
                                "keras.losses.SparseCategoricalCrossentropy(from_logits=True) (mean over the batch)")


@graded("sparse_categorical_crossentropy_from_logits", points=2)
def test_sparse_categorical_crossentropy_stable_for_large_logits(sub, rng):
    y_true, logits = _case(rng, 400.0)
    logits[:, 0] = rng.uniform(900, 1000, len(y_true))     # one very large logit per row
    got = sub.run(probe_scce, y_true, logits)
    _check(got, y_true, logits, "with logits of magnitude up to 1000, sparse_categorical_crossentropy_from_logits "
                                "differs from keras.losses.SparseCategoricalCrossentropy(from_logits=True)")
