"""Hidden graders of make_counting_function: f(x) = x * x + 1, one traces entry per trace."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_counting(mod, inputs):
    # Call f on each input in turn; after each call, report the output and len(traces).
    f, traces = mod.make_counting_function()
    start = len(traces) if isinstance(traces, list) else None
    outputs, lengths = [], []
    for x in inputs:
        outputs.append(np.asarray(f(tf.constant(x))))
        lengths.append(len(traces) if isinstance(traces, list) else None)
    count = getattr(f, "experimental_get_tracing_count", None)
    return {"outputs": outputs, "start": start, "lengths": lengths,
            "tracing_count": count() if count is not None else None}


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
    for x, out in zip(inputs, got["outputs"]):
        close(out, x.astype("float64") ** 2 + 1, "f(x) is not x * x + 1", rtol=1e-5, atol=1e-6)


@graded("make_counting_function", points=2)
def test_counting_function_one_entry_per_trace(sub, rng):
    got = sub.run(probe_counting, calls(rng))
    expect(got["start"] == 0, "traces should be a list, empty before f is called")
    expect(got["tracing_count"] is not None, "f should be a tf.function")
    expect(got["lengths"] == [1, 1, 2, 2, 3],
           f"over calls that trace f 3 times (new shape, new dtype; repeats reuse a graph), traces had "
           f"{got['lengths']} entries after each call; expected one entry per trace, none per call")
    expect(got["tracing_count"] == 3, "f traced an unexpected number of times: it should retrace only for new shapes or dtypes")
