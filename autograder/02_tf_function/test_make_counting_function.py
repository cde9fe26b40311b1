"""Hidden graders of make_counting_function: f(x) = x * x + 1, one traces entry per trace.

That f is a real tf.function is judged from its graph, run in a clean worker (graphs.py), never
from what f says about itself (experimental_get_tracing_count)."""
import importlib.util
from pathlib import Path

import numpy as np

from dlcourse.grading import close, expect, graded, probe

_spec = importlib.util.spec_from_file_location("graphs_of_02", Path(__file__).with_name("graphs.py"))
graphs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(graphs)


@probe(uses=[graphs.graph_of])
def probe_counting(mod, inputs):
    # Call f on each input in turn; after each call, report the output and len(traces). Then take
    # the graph f already holds for the first input (asking for it must not trace again).
    f, traces = mod.make_counting_function()
    start = len(traces) if isinstance(traces, list) else None
    outputs, lengths = [], []
    for x in inputs:
        outputs.append(np.asarray(f(tf.constant(x))))
        lengths.append(len(traces) if isinstance(traces, list) else None)
    try:
        graph = graph_of(f.get_concrete_function(tf.TensorSpec(inputs[0].shape, tf.float32)))
    except Exception:
        graph = None
    after = len(traces) if isinstance(traces, list) else None
    return {"outputs": outputs, "start": start, "lengths": lengths, "graph": graph, "after": after}


def calls(rng):
    # Same shape twice, a new shape, the first shape again, then a new dtype: 3 traces.
    a, b = (int(v) for v in rng.choice(np.arange(2, 7), size=2, replace=False))
    return [rng.standard_normal(a).astype("float32"), rng.standard_normal(a).astype("float32"),
            rng.standard_normal((b, 2)).astype("float32"), rng.standard_normal(a).astype("float32"),
            rng.standard_normal(a)]  # float64


@graded("make_counting_function", points=1)
def test_counting_function_values(sub, rng):
    inputs = calls(rng)
    got = sub.run(probe_counting, inputs)
    expect(len(got["outputs"]) == len(inputs), "f should return one result per call")
    for x, out in zip(inputs, got["outputs"]):
        close(out, x.astype("float64") ** 2 + 1, "f(x) is not x * x + 1", rtol=1e-5, atol=1e-6)


@graded("make_counting_function", points=2)
def test_counting_function_one_entry_per_trace(sub, rng):
    inputs = calls(rng)
    got = sub.run(probe_counting, inputs)
    expect(got["start"] == 0, "traces should be a list, empty before f is called")
    expect(got["lengths"] == [1, 1, 2, 2, 3],
           f"over calls that trace f 3 times (new shape, new dtype; repeats reuse a graph), traces had "
           f"{got['lengths']} entries after each call; expected one entry per trace, none per call")
    expect(got["graph"] is not None, "f should be a tf.function (it has no concrete function for its inputs)")
    expect(got["after"] == 3, "asking f for a graph it already holds added an entry to traces")
    fresh = [rng.standard_normal(inputs[0].shape).astype("float32") for _ in range(2)]
    expect(graphs.computes(sub, got["graph"], fresh, [x.astype("float64") ** 2 + 1 for x in fresh]),
           "f's traced graph does not compute x * x + 1: f should be a tf.function of x * x + 1")
