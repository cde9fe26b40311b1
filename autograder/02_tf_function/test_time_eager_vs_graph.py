"""Hidden graders of time_eager_vs_graph: a dict of two timings, warm-up calls, a real graph."""
from dlcourse.grading import expect, graded, probe


@probe
def probe_timing(mod, repeats, a):
    # fn counts how often it runs eagerly and how often it is traced.
    counts = {"eager": 0, "traced": 0}

    def fn(x):
        counts["eager" if tf.executing_eagerly() else "traced"] += 1
        return tf.tanh(x) * a + 1.0

    result = mod.time_eager_vs_graph(fn, tf.ones([4]), repeats)
    if not isinstance(result, dict):
        return {"is_dict": False, "keys": [], "ok_values": False, "counts": counts}
    keys = sorted(str(k) for k in result)
    ok = all(type(v) is float and v > 0 for v in result.values())
    return {"is_dict": True, "keys": keys, "ok_values": ok, "counts": counts}


@graded("time_eager_vs_graph", points=1)
def test_timing_returns_two_positive_floats(sub, rng):
    got = sub.run(probe_timing, int(rng.integers(3, 8)), float(rng.uniform(0.5, 2)))
    expect(got["is_dict"], "time_eager_vs_graph should return a dict")
    expect(got["keys"] == ["eager", "graph"], f"the dict should have exactly the keys 'eager' and 'graph', got {got['keys']}")
    expect(got["ok_values"], "both timings should be floats (seconds) greater than zero")


@graded("time_eager_vs_graph", points=2)
def test_timing_warms_up_and_uses_a_graph(sub, rng):
    repeats = int(rng.integers(3, 8))
    got = sub.run(probe_timing, repeats, float(rng.uniform(0.5, 2)))
    counts = got["counts"]
    expect(counts["traced"] >= 1, "fn was never traced: the graph timing should call a tf.function of fn")
    expect(counts["eager"] == repeats + 1,
           f"with repeats={repeats}, fn ran eagerly {counts['eager']} times; expected one warm-up call plus "
           "the repeats (the graph calls must not run fn's Python code)")
    expect(counts["traced"] <= 2, f"fn was traced {counts['traced']} times: trace once, in the untimed warm-up")
