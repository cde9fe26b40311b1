"""Hidden graders of sign_switch: x if sum(x) > 0 else -x, one trace for both signs."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_sign_switch(mod, xs):
    count = getattr(mod.sign_switch, "experimental_get_tracing_count", None)
    before = count() if count is not None else None
    outputs = [np.asarray(mod.sign_switch(tf.constant(x))) for x in xs]
    return {"outputs": outputs, "traces": None if count is None else count() - before}


def signed(rng, n, positive):
    x = rng.standard_normal(n).astype("float32")
    return x if (x.sum() > 0) == positive else -x


def draw(rng):
    n = int(rng.integers(2, 12))
    x = signed(rng, n, True)
    y = signed(rng, n, False)
    return [x, y] if rng.random() < 0.5 else [y, x]


@graded("sign_switch", points=2)
def test_sign_switch_both_branches(sub, rng):
    for _ in range(2):
        xs = draw(rng)
        got = sub.run(probe_sign_switch, xs)
        for x, out in zip(xs, got["outputs"]):
            close(out, x if x.sum() > 0 else -x, "sign_switch gives a wrong result", rtol=1e-6, atol=1e-6)


@graded("sign_switch", points=1)
def test_sign_switch_one_trace_for_both_signs(sub, rng):
    xs = draw(rng)
    got = sub.run(probe_sign_switch, xs)
    expect(got["traces"] is not None, "sign_switch should be a tf.function")
    expect(got["traces"] <= 1, f"inputs of both signs (same shape) traced sign_switch {got['traces']} times; one trace should serve both")
    for x, out in zip(xs, got["outputs"]):
        close(out, x if x.sum() > 0 else -x, "sign_switch gives a wrong result when one trace serves both signs",
              rtol=1e-6, atol=1e-6)
