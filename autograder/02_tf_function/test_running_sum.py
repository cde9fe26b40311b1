"""Hidden graders of running_sum: partial sums, one trace for all lengths, a graph loop."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_values(mod, xs):
    return [np.asarray(mod.running_sum(tf.constant(x))) for x in xs]


@probe
def probe_traces(mod, xs):
    # Tracing count before and after calls with several lengths.
    count = getattr(mod.running_sum, "experimental_get_tracing_count", None)
    if count is None:
        return None
    before = count()
    for x in xs:
        mod.running_sum(tf.constant(x))
    return [before, count()]


@probe
def probe_refuses(mod, bad):
    raised = []
    for values, dtype in bad:
        try:
            mod.running_sum(tf.constant(values, dtype=dtype))
            raised.append(False)
        except Exception:
            raised.append(True)
    return raised


@probe
def probe_ops(mod):
    # The op types of the traced graph, for a 1-D float32 input of unknown length.
    f = mod.running_sum
    if not hasattr(f, "get_concrete_function"):
        return None
    try:
        concrete = f.get_concrete_function()
    except Exception:
        concrete = f.get_concrete_function(tf.TensorSpec([None], tf.float32))
    return sorted({op.type for op in concrete.graph.get_operations()})


def lengths(rng, k):
    return [1] + [int(n) for n in rng.choice(np.arange(2, 40), size=k - 1, replace=False)]


@graded("running_sum", points=2)
def test_running_sum_matches_partial_sums(sub, rng):
    xs = [rng.standard_normal(n).astype("float32") for n in lengths(rng, 4)]
    for x, out in zip(xs, sub.run(probe_values, xs)):
        close(out, np.cumsum(x.astype("float64")), "running_sum's partial sums are wrong", rtol=1e-4, atol=1e-4)


@graded("running_sum", points=2)
def test_running_sum_one_trace_for_all_lengths(sub, rng):
    xs = [rng.standard_normal(n).astype("float32") for n in lengths(rng, 4)]
    got = sub.run(probe_traces, xs)
    expect(got is not None, "running_sum should be a tf.function")
    before, after = got
    expect(after - before <= 1 and after <= 1,
           f"calls with {len(xs)} different lengths traced running_sum {after - before} more times; one trace should serve every length")


@graded("running_sum", points=1)
def test_running_sum_refuses_other_inputs(sub, rng):
    n = int(rng.integers(2, 6))
    raised = sub.run(probe_refuses, [(list(range(n)), "int32"), (np.ones((n, 2)).tolist(), "float32")])
    expect(raised == [True, True], f"an int32 input and a 2-D input should raise (the input signature): raised {raised}")


@graded("running_sum", points=1)
def test_running_sum_is_a_graph_loop(sub, rng):
    ops = sub.run(probe_ops)
    expect(ops is not None, "running_sum should be a tf.function")
    expect("Cumsum" not in ops, "running_sum's graph uses the Cumsum op: write the loop yourself")
    expect("While" in ops or "StatelessWhile" in ops,
           "running_sum's graph has no While loop: loop over tf.range (AutoGraph turns it into a tf.while_loop)")
