"""Hidden graders of running_sum: partial sums, one trace for all lengths, a graph loop.

running_sum's graph is judged outside the learner's process (graphs.py): the graph of its input
signature is parsed here (placeholder, op types of every nested function) and run in a clean
worker on every length; its tracing count is only a second witness."""
import importlib.util
from pathlib import Path

import numpy as np

from dlcourse.grading import close, expect, graded, probe

_spec = importlib.util.spec_from_file_location("graphs_of_02", Path(__file__).with_name("graphs.py"))
graphs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(graphs)


@probe
def probe_values(mod, xs):
    return [np.asarray(mod.running_sum(tf.constant(x))) for x in xs]


@probe(uses=[graphs.graph_of])
def probe_traces(mod, xs):
    # Tracing count before and after calls with several lengths, and the input signature's graph.
    f = mod.running_sum
    count = getattr(f, "experimental_get_tracing_count", None)
    before = count() if callable(count) else None
    outputs = [np.asarray(f(tf.constant(x))) for x in xs]
    after = count() if callable(count) else None
    try:
        graph = graph_of(f.get_concrete_function())
    except Exception:
        graph = None
    return {"outputs": outputs, "before": before, "after": after, "graph": graph}


@probe
def probe_refuses(mod, good, bad):
    outputs = [np.asarray(mod.running_sum(tf.constant(x))) for x in good]
    raised = []
    for values, dtype in bad:
        try:
            mod.running_sum(tf.constant(values, dtype=dtype))
            raised.append(False)
        except Exception:
            raised.append(True)
    return {"outputs": outputs, "raised": raised}


@probe(uses=[graphs.graph_of])
def probe_graph(mod):
    # The graph for a 1-D float32 input of unknown length (from the input signature, if any).
    f = mod.running_sum
    for args in ((), (tf.TensorSpec([None], tf.float32),)):
        try:
            return graph_of(f.get_concrete_function(*args))
        except Exception:
            continue
    return None


def lengths(rng, k):
    return [1] + [int(n) for n in rng.choice(np.arange(2, 40), size=k - 1, replace=False)]


def series(rng, k):
    return [rng.standard_normal(n).astype("float32") for n in lengths(rng, k)]


def partial_sums(xs):
    return [np.cumsum(x.astype("float64")) for x in xs]


@graded("running_sum", points=2)
def test_running_sum_matches_partial_sums(sub, rng):
    xs = series(rng, 4)
    got = sub.run(probe_values, xs)
    expect(len(got) == len(xs), "running_sum should return one result per call")
    for out, want in zip(got, partial_sums(xs)):
        close(out, want, "running_sum's partial sums are wrong", rtol=1e-4, atol=1e-4)


@graded("running_sum", points=2)
def test_running_sum_one_trace_for_all_lengths(sub, rng):
    xs = series(rng, 4)
    got = sub.run(probe_traces, xs)
    for out, want in zip(got["outputs"], partial_sums(xs)):
        close(out, want, "running_sum's partial sums are wrong", rtol=1e-4, atol=1e-4)
    graph = graphs.parse(got["graph"])
    expect(graph is not None, "running_sum should be a tf.function whose input signature fixes one graph")
    expect(graphs.placeholder(graph, got["graph"]["input"]) == ("float32", [None]),
           "running_sum's input signature should be one 1-D float32 tensor of unknown length")
    expect(isinstance(got["before"], int) and isinstance(got["after"], int)
           and got["after"] - got["before"] <= 1 and got["after"] <= 1,
           f"calls with {len(xs)} different lengths traced running_sum again; one trace should serve every length")
    fresh = series(rng, 4)
    expect(graphs.computes(sub, got["graph"], fresh, partial_sums(fresh), rtol=1e-4, atol=1e-4),
           "running_sum's one graph does not give the partial sums for every length")


@graded("running_sum", points=1)
def test_running_sum_refuses_other_inputs(sub, rng):
    n = int(rng.integers(2, 6))
    good = series(rng, 2)
    got = sub.run(probe_refuses, good, [(list(range(n)), "int32"), (np.ones((n, 2)).tolist(), "float32")])
    expect(len(got["outputs"]) == len(good), "running_sum should return one result per call")
    for out, want in zip(got["outputs"], partial_sums(good)):
        close(out, want, "running_sum's partial sums are wrong", rtol=1e-4, atol=1e-4)
    expect(got["raised"] == [True, True],
           f"an int32 input and a 2-D input should raise (the input signature): raised {got['raised']}")


@graded("running_sum", points=1)
def test_running_sum_is_a_graph_loop(sub, rng):
    got = sub.run(probe_graph)
    graph = graphs.parse(got)
    expect(graph is not None, "running_sum should be a tf.function")
    ops = graphs.op_types(graph)
    expect("Cumsum" not in ops, "running_sum's graph uses the Cumsum op: write the loop yourself")
    expect("While" in ops or "StatelessWhile" in ops,
           "running_sum's graph has no While loop: loop over tf.range (AutoGraph turns it into a tf.while_loop)")
    fresh = series(rng, 3)
    expect(graphs.computes(sub, got, fresh, partial_sums(fresh), rtol=1e-4, atol=1e-4),
           "running_sum's graph does not give the partial sums")
