"""Hidden tests of fit_line: Python floats, converged to the least-squares line."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_fit(mod, x, y, steps=None):
    args = (tf.constant(x), tf.constant(y)) + ((steps,) if steps else ())
    w, b = mod.fit_line(*args)
    return {"types": [type(w).__name__, type(b).__name__],
            "floats": [isinstance(w, float), isinstance(b, float)],
            "values": [float(np.asarray(w)), float(np.asarray(b))]}


def _data(rng):
    n = int(rng.integers(20, 80))
    x = rng.uniform(-2, 2, n).astype(np.float32)
    y = (rng.uniform(-3, 3) * x + rng.uniform(-2, 2) + 0.1 * rng.standard_normal(n)).astype(np.float32)
    return x, y


@graded("fit_line", points=2)
def test_fit_line_matches_least_squares(sub, rng):
    x, y = _data(rng)
    got = sub.run(probe_fit, x, y)
    w, b = np.polyfit(x.astype(np.float64), y.astype(np.float64), 1)
    close(got["values"], [w, b],
          "fit_line's (w, b) is not the minimiser of the mean squared error after the default steps and rate",
          rtol=1e-3, atol=1e-3)


@graded("fit_line", points=1)
def test_fit_line_returns_python_floats(sub, rng):
    x, y = _data(rng)
    got = sub.run(probe_fit, x, y, int(rng.integers(10, 30)))   # the type does not need 300 steps
    expect(all(got["floats"]),
           f"fit_line should return two Python floats, got {got['types'][0]} and {got['types'][1]}")
