"""Hidden graders of sign_switch: x if sum(x) > 0 else -x, one trace for both signs.

That one graph serves both signs is judged by running sign_switch's own graph for the inputs'
shape in a clean worker on fresh inputs of both signs (graphs.py); its tracing count is only a
second witness."""
import importlib.util
from pathlib import Path

import numpy as np

from dlcourse.grading import close, expect, graded, probe

_spec = importlib.util.spec_from_file_location("graphs_of_02", Path(__file__).with_name("graphs.py"))
graphs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(graphs)


@probe(uses=[graphs.graph_of])
def probe_sign_switch(mod, xs):
    f = mod.sign_switch
    count = getattr(f, "experimental_get_tracing_count", None)
    before = count() if callable(count) else None
    outputs = [np.asarray(f(tf.constant(x))) for x in xs]
    traces = count() - before if callable(count) and isinstance(before, int) else None
    try:   # the graph the calls above used (same shape: no new trace)
        graph = graph_of(f.get_concrete_function(tf.TensorSpec([len(xs[0])], tf.float32)))
    except Exception:
        graph = None
    return {"outputs": outputs, "traces": traces, "graph": graph}


def signed(rng, n, positive):
    x = rng.standard_normal(n).astype("float32")
    return x if (x.sum() > 0) == positive else -x


def draw(rng, n=None):
    n = int(rng.integers(2, 12)) if n is None else n
    x = signed(rng, n, True)
    y = signed(rng, n, False)
    return [x, y] if rng.random() < 0.5 else [y, x]


def edges(rng, n):
    """Two inputs on the edge of the decision, in float32-exact quarters (any summation order gives the
    exact sum): one whose sum is exactly 0 (so -x) and one whose sum is 0.25 (so x)."""
    k = rng.integers(-8, 9, n - 1)
    k[0] = k[0] or 1
    zero = np.append(k, -k.sum()) * 0.25
    small = np.append(k, 1 - k.sum()) * 0.25
    pair = [rng.permutation(zero).astype("float32"), rng.permutation(small).astype("float32")]
    return pair if rng.random() < 0.5 else pair[::-1]


def switched(xs):
    return [x if x.sum() > 0 else -x for x in xs]


@graded("sign_switch", points=2)
def test_sign_switch_both_branches(sub, rng):
    for _ in range(2):
        xs = draw(rng)
        got = sub.run(probe_sign_switch, xs)
        expect(len(got["outputs"]) == len(xs), "sign_switch should return one result per call")
        for out, want in zip(got["outputs"], switched(xs)):
            close(out, want, "sign_switch gives a wrong result", rtol=1e-6, atol=1e-6)
    xs = edges(rng, int(rng.integers(3, 12)))
    got = sub.run(probe_sign_switch, xs)
    expect(len(got["outputs"]) == len(xs), "sign_switch should return one result per call")
    for out, want in zip(got["outputs"], switched(xs)):
        close(out, want, "sign_switch gives a wrong result for a sum of exactly 0 or just above 0: x only when "
              "sum(x) > 0, else -x", rtol=1e-6, atol=1e-6)


@graded("sign_switch", points=1)
def test_sign_switch_one_trace_for_both_signs(sub, rng):
    xs = draw(rng)
    got = sub.run(probe_sign_switch, xs)
    expect(got["traces"] is not None and got["graph"] is not None, "sign_switch should be a tf.function")
    expect(got["traces"] <= 1, f"inputs of both signs (same shape) traced sign_switch {got['traces']} times; one trace should serve both")
    for out, want in zip(got["outputs"], switched(xs)):
        close(out, want, "sign_switch gives a wrong result when one trace serves both signs", rtol=1e-6, atol=1e-6)
    fresh = draw(rng, len(xs[0])) + draw(rng, len(xs[0]))
    expect(graphs.computes(sub, got["graph"], fresh, switched(fresh), rtol=1e-6, atol=1e-6),
           "sign_switch's graph does not give x or -x by the sign of sum(x): the decision must be taken "
           "inside the graph, not while tracing")
