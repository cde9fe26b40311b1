"""Hidden tests of standardize: population standardisation along an axis, float32, constant slices 0."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_standardize(mod, x, axis, as_tensor):
    out = mod.standardize(tf.constant(x) if as_tensor else x, axis)
    if not isinstance(out, tf.Tensor):
        return {"error": f"standardize returned a {type(out).__name__}, not a tf.Tensor"}
    return {"error": None, "dtype": out.dtype.name, "values": np.asarray(out.numpy(), dtype=np.float64)}


def _reference(x, axis):
    x = x.astype(np.float64)
    return (x - x.mean(axis=axis, keepdims=True)) / x.std(axis=axis, keepdims=True)


def _spread(rng, inner):
    """x with a clear spread and an axis: an inner one (rank 2-3, sizes all different, so a statistic
    reduced without keepdims cannot broadcast back by chance), or the leading one (rank 1-3)."""
    rank = int(rng.integers(2, 4)) if inner else int(rng.integers(1, 4))
    shape = [int(v) for v in rng.permutation(np.arange(2, 8))[:rank]]
    axis = int(rng.integers(1, rank)) if inner else 0
    axis -= rank * int(rng.integers(0, 2))   # written as a negative axis half of the time
    x = rng.standard_normal(shape) * rng.uniform(0.5, 5) + rng.uniform(-10, 10)
    return x, axis


@graded("standardize", points=2)
def test_standardize_values(sub, rng):
    for inner in (True, False):
        x, axis = _spread(rng, inner)
        x = x.astype(np.float32)
        got = sub.run(probe_standardize, x, axis, True)
        expect(got["error"] is None, got["error"] or "")
        close(got["values"], _reference(x, axis),
              "standardize's values are wrong: subtract the mean and divide by the population std (ddof 0) "
              "along the given axis, keeping x's shape", rtol=1e-4, atol=1e-4)


@graded("standardize", points=1)
def test_standardize_float32_out(sub, rng):
    x, axis = _spread(rng, inner=False)   # the axis is the test above's question
    got = sub.run(probe_standardize, x.astype(np.float64), axis, False)
    expect(got["error"] is None, got["error"] or "")
    expect(got["dtype"] == "float32", f"for a float64 input the result should be float32, got {got['dtype']}")
    close(got["values"], _reference(x, axis), "standardize's values are wrong for a float64 NumPy input",
          rtol=1e-4, atol=1e-4)


@graded("standardize", points=2)
def test_standardize_constant_slice_is_zero(sub, rng):
    rows, cols = (int(v) for v in rng.permutation(np.arange(3, 8))[:2])   # different: nothing broadcasts by chance
    for axis in (0, 1):
        x = (rng.standard_normal((rows, cols)) * 3).astype(np.float32)
        n_slices = x.shape[1 - axis]
        const = rng.permutation(n_slices)[: max(1, n_slices // 2)]
        for j in const:
            value = np.float32(rng.uniform(-100, 100))
            if axis == 0:
                x[:, j] = value
            else:
                x[j, :] = value
        got = sub.run(probe_standardize, x, axis, True)
        expect(got["error"] is None, got["error"] or "")
        values = got["values"]
        expect(values.shape == x.shape, "standardize should keep x's shape")
        expect(bool(np.all(np.isfinite(values))), "standardize gave NaN or inf: a constant slice must give 0")
        mask = np.zeros(x.shape, bool)
        if axis == 0:
            mask[:, const] = True
        else:
            mask[const, :] = True
        expect(bool(np.all(values[mask] == 0.0)),
               "a slice whose values are all equal should standardize to exactly 0 "
               "(its float32 std may be a tiny rounding error rather than 0)")
        close(values[~mask], _reference(x, axis)[~mask], "the slices that do vary are standardized wrongly",
              rtol=1e-4, atol=1e-4)
