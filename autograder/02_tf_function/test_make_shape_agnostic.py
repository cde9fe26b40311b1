"""Hidden graders of make_shape_agnostic: one trace for all 2-D float32 shapes, others refused.

One graph must serve every shape: the returned tf.function's own graph (from its input
signature) is run on every shape in a clean worker (graphs.py). The trace counter inside fn
lives under a name drawn for the run."""
import importlib.util
from pathlib import Path

import numpy as np

from dlcourse.grading import close, expect, graded, probe

_spec = importlib.util.spec_from_file_location("graphs_of_02", Path(__file__).with_name("graphs.py"))
graphs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(graphs)


def counted_fn(w, tag):
    """(In the sandbox.) fn(x) = x * w + sum(x), counting its traces in a list kept under the
    run's random name ``tag`` (no fixed name for a submission to look for)."""
    space = {"tf": tf, "w": w, tag: []}
    exec(f"def fn(x):\n    {tag}.append(1)\n    return x * w + tf.reduce_sum(x)\n", space)
    return space["fn"], space[tag]


@probe(uses=[counted_fn, graphs.graph_of])
def probe_shape_agnostic(mod, inputs, w, tag):
    # Wrap fn, call it on every input, then take the graph of the wrapper's input signature.
    fn, traces = counted_fn(w, tag)
    g = mod.make_shape_agnostic(fn)
    outputs = [np.asarray(g(tf.constant(x))) for x in inputs]
    count = len(traces)
    try:
        graph = graph_of(g.get_concrete_function())
    except Exception:
        graph = None
    return {"outputs": outputs, "traces": count, "graph": graph, "after": len(traces)}


@probe
def probe_refuses(mod, good, bad):
    # Good inputs first (the results), then, for each wrong input (another dtype or rank), whether it raised.
    def fn(x):
        return x * 2.0 + tf.reduce_sum(x)

    g = mod.make_shape_agnostic(fn)
    outputs = [np.asarray(g(tf.constant(x))) for x in good]
    raised = []
    for values, dtype in bad:
        try:
            g(tf.constant(values, dtype=dtype))
            raised.append(False)
        except Exception:
            raised.append(True)
    return {"outputs": outputs, "raised": raised}


def _tag(rng):
    return "t" + "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789"), size=12))


@graded("make_shape_agnostic", points=2)
def test_shape_agnostic_one_trace_for_all_shapes(sub, rng):
    shapes = sorted({(int(rng.integers(1, 6)), int(rng.integers(1, 6))) for _ in range(6)} | {(1, 1), (7, 2)})
    inputs = [rng.standard_normal(s).astype("float32") for s in shapes]
    w = float(rng.uniform(0.5, 2.0))
    got = sub.run(probe_shape_agnostic, inputs, w, _tag(rng))
    expect(len(got["outputs"]) == len(inputs), "the wrapped function should return one result per call")
    for x, out in zip(inputs, got["outputs"]):
        close(out, x * w + x.sum(), "the wrapped function does not return fn(x)", rtol=1e-4, atol=1e-5)
    expect(got["traces"] == 1, f"{len(inputs)} different 2-D float32 shapes caused {got['traces']} traces, expected 1")
    graph = graphs.parse(got["graph"])
    expect(graph is not None and got["after"] == 1,
           "the returned tf.function has no single graph fixed in advance for every 2-D float32 input")
    expect(graphs.placeholder(graph, got["graph"]["input"]) == ("float32", [None, None]),
           "the graph of the returned tf.function should take a float32 input of shape [None, None]")
    fresh = [rng.standard_normal(s).astype("float32") for s in shapes]
    expect(graphs.computes(sub, got["graph"], fresh, [x * w + x.sum() for x in fresh], rtol=1e-4),
           "one graph of the returned tf.function should compute fn(x) for every 2-D float32 shape")


@graded("make_shape_agnostic", points=1)
def test_shape_agnostic_refuses_other_dtypes_and_ranks(sub, rng):
    n = int(rng.integers(2, 5))
    good = [rng.standard_normal((int(rng.integers(1, 6)), int(rng.integers(1, 6)))).astype("float32") for _ in range(2)]
    bad = [(np.ones((n, 2)).tolist(), "float64"), (np.ones((n, 2)).tolist(), "int32"),
           (np.ones(n).tolist(), "float32"), (np.ones((n, 2, 2)).tolist(), "float32")]
    got = sub.run(probe_refuses, good, bad)
    expect(len(got["outputs"]) == len(good), "the wrapped function should return one result per call")
    for x, out in zip(good, got["outputs"]):
        close(out, x * 2.0 + x.sum(), "the wrapped function does not return fn(x) for 2-D float32 inputs",
              rtol=1e-4, atol=1e-5)
    expect(got["raised"] == [True] * 4,
           f"inputs that are not 2-D float32 should raise (float64, int32, 1-D, 3-D): raised {got['raised']}")
