"""Hidden graders of make_shape_agnostic: one trace for all 2-D float32 shapes, others refused."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_shape_agnostic(mod, inputs, w):
    # Wrap a grader function that counts its own traces; call it on every input.
    traces = []

    def fn(x):
        traces.append(1)
        return x * w + tf.reduce_sum(x)

    g = mod.make_shape_agnostic(fn)
    outputs = [np.asarray(g(tf.constant(x))) for x in inputs]
    return {"outputs": outputs, "traces": len(traces)}


@probe
def probe_refuses(mod, bad):
    # For each wrong input (another dtype or rank), report whether the wrapped function raised.
    def fn(x):
        return x * 2.0 + tf.reduce_sum(x)

    g = mod.make_shape_agnostic(fn)
    g(tf.ones([2, 3]))
    raised = []
    for values, dtype in bad:
        try:
            g(tf.constant(values, dtype=dtype))
            raised.append(False)
        except Exception:
            raised.append(True)
    return raised


@graded("make_shape_agnostic", points=2)
def test_shape_agnostic_one_trace_for_all_shapes(sub, rng):
    shapes = {(int(rng.integers(1, 6)), int(rng.integers(1, 6))) for _ in range(6)} | {(1, 1), (7, 2)}
    inputs = [rng.standard_normal(s).astype("float32") for s in sorted(shapes)]
    w = float(rng.uniform(0.5, 2.0))
    got = sub.run(probe_shape_agnostic, inputs, w)
    for x, out in zip(inputs, got["outputs"]):
        close(out, x * w + x.sum(), "the wrapped function does not return fn(x)", rtol=1e-4, atol=1e-5)
    expect(got["traces"] == 1, f"{len(inputs)} different 2-D float32 shapes caused {got['traces']} traces, expected 1")


@graded("make_shape_agnostic", points=1)
def test_shape_agnostic_refuses_other_dtypes_and_ranks(sub, rng):
    n = int(rng.integers(2, 5))
    bad = [(np.ones((n, 2)).tolist(), "float64"), (np.ones((n, 2)).tolist(), "int32"),
           (np.ones(n).tolist(), "float32"), (np.ones((n, 2, 2)).tolist(), "float32")]
    raised = sub.run(probe_refuses, bad)
    expect(raised == [True] * 4, f"inputs that are not 2-D float32 should raise (float64, int32, 1-D, 3-D): raised {raised}")
