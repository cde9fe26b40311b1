"""Hidden tests of derivatives: first and second derivatives against analytic values."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_derivatives(mod, cases):
    """(f'(x), f''(x)) for each (kind, a, b, x); None where a derivative came back as None."""
    out = []
    for kind, a, b, x in cases:
        if kind == "poly":
            f = lambda t, a=a, b=b: a * t ** 3 + b * t ** 2
        elif kind == "sin":
            f = lambda t, a=a: tf.sin(a * t)
        else:
            f = lambda t, a=a: tf.exp(a * t)
        result = mod.derivatives(f, tf.constant(x, dtype=tf.float32))
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            return {"error": f"derivatives returned a {type(result).__name__}, not a pair (dy_dx, d2y_dx2)"}
        out.append([None if v is None else float(np.asarray(v)) for v in result])
    return {"error": None, "values": out}


def _cases(rng):
    return [("poly", float(rng.uniform(-2, 2)), float(rng.uniform(-2, 2)), float(rng.uniform(-2, 2))),
            ("sin", float(rng.uniform(0.5, 3)), 0.0, float(rng.uniform(-2, 2))),
            ("exp", float(rng.uniform(-1, 1)), 0.0, float(rng.uniform(-1.5, 1.5)))]


def _analytic(kind, a, b, x):
    a, b, x = np.float32(a), np.float32(b), np.float32(x)   # as the probe sees them
    a, b, x = float(a), float(b), float(x)
    if kind == "poly":
        return 3 * a * x ** 2 + 2 * b * x, 6 * a * x + 2 * b
    if kind == "sin":
        return a * np.cos(a * x), -a * a * np.sin(a * x)
    return a * np.exp(a * x), a * a * np.exp(a * x)


def _run(sub, rng):
    cases = _cases(rng)
    got = sub.run(probe_derivatives, cases)
    expect(got["error"] is None, got["error"] or "")
    return cases, got["values"]


@graded("derivatives", points=2)
def test_derivatives_first(sub, rng):
    cases, values = _run(sub, rng)
    for case, (d1, _) in zip(cases, values):
        expect(d1 is not None, "dy_dx came back as None: watch x on the tape (it is a constant, not a variable)")
        close(d1, _analytic(*case)[0], "the first derivative dy_dx is wrong", rtol=1e-4, atol=1e-4)


@graded("derivatives", points=2)
def test_derivatives_second(sub, rng):
    cases, values = _run(sub, rng)
    for case, (_, d2) in zip(cases, values):
        expect(d2 is not None,
               "d2y_dx2 came back as None: the outer tape must watch x and record the inner tape's gradient")
        close(d2, _analytic(*case)[1], "the second derivative d2y_dx2 is wrong", rtol=1e-4, atol=1e-4)
