"""Hidden tests of pairwise_sq_distances: values against NumPy, never negative."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_distances(mod, a, b):
    out = mod.pairwise_sq_distances(tf.constant(a), tf.constant(b))
    return np.asarray(out, dtype=np.float64)


def _reference(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)


@graded("pairwise_sq_distances", points=2)
def test_pairwise_sq_distances_values(sub, rng):
    n, m, d = (int(v) for v in rng.integers(1, 12, size=3))
    a = (rng.standard_normal((n, d)) * 2).astype(np.float32)
    b = (rng.standard_normal((m, d)) * 2).astype(np.float32)
    close(sub.run(probe_distances, a, b), _reference(a, b),
          "pairwise_sq_distances' values are wrong: entry [i, j] should be the squared Euclidean "
          "distance between a[i] and b[j] (shape [n, m])", rtol=1e-4, atol=1e-3)


@graded("pairwise_sq_distances", points=2)
def test_pairwise_sq_distances_never_negative(sub, rng):
    n, d = int(rng.integers(30, 60)), int(rng.integers(4, 16))
    a = (rng.standard_normal((n, d)) * 1e3).astype(np.float32)
    b = (a + rng.standard_normal((n, d)) * 1e-4).astype(np.float32)     # near-duplicates of a's rows
    got = sub.run(probe_distances, a, b)
    expect(isinstance(got, np.ndarray) and got.shape == (n, n), "the result should have shape [n, m]")
    expect(bool(np.all(got >= 0)),
           "pairwise_sq_distances gave negative distances for nearly equal rows of large magnitude: "
           "rounding error must not make a squared distance negative")
    want = _reference(a, b)
    scale = float(np.max(np.sum(a.astype(np.float64) ** 2, axis=1)))
    expect(bool(np.all(np.abs(got - want) <= 1e-5 * scale + 1e-4 * want)),
           "pairwise_sq_distances' values are wrong for rows of large magnitude")
