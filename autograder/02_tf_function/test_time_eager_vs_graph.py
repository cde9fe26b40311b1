"""Hidden graders of time_eager_vs_graph: a dict of two timings, warm-up calls, a real graph."""
from dlcourse.grading import expect, graded, probe


@probe
def probe_timing(mod, repeats, a, eager_sleep, trace_sleep):
    # fn counts how often it runs eagerly and how often it is traced. Its Python body sleeps
    # (eager_sleep per eager call, trace_sleep per trace): a graph call runs no Python, so
    # each timing shows which calls it covered.
    import time

    counts = {"eager": 0, "traced": 0}

    def fn(x):
        if tf.executing_eagerly():
            counts["eager"] += 1
            time.sleep(eager_sleep)
        else:
            counts["traced"] += 1
            time.sleep(trace_sleep)
        return tf.tanh(x) * a + 1.0

    result = mod.time_eager_vs_graph(fn, tf.ones([4]), repeats)
    if not isinstance(result, dict):
        return {"is_dict": False, "keys": [], "ok_values": False, "counts": counts, "eager": None, "graph": None}
    keys = sorted(str(k) for k in result)
    ok = all(isinstance(v, float) and v > 0 for v in result.values())
    values = {k: float(result[k]) if ok and k in result else None for k in ("eager", "graph")}
    return {"is_dict": True, "keys": keys, "ok_values": ok, "counts": counts, **values}


def draw(rng, eager_sleep=0.0, trace_sleep=0.0):
    return int(rng.integers(3, 8)), float(rng.uniform(0.5, 2)), eager_sleep, trace_sleep


@graded("time_eager_vs_graph", points=1)
def test_timing_returns_two_positive_floats(sub, rng):
    got = sub.run(probe_timing, *draw(rng))
    expect(got["is_dict"], "time_eager_vs_graph should return a dict")
    expect(got["keys"] == ["eager", "graph"], f"the dict should have exactly the keys 'eager' and 'graph', got {got['keys']}")
    expect(got["ok_values"], "both timings should be floats (seconds) greater than zero")


@graded("time_eager_vs_graph", points=2)
def test_timing_warms_up_and_uses_a_graph(sub, rng):
    repeats, a, _, _ = draw(rng)
    got = sub.run(probe_timing, repeats, a, 0.0, 0.0)
    counts = got["counts"]
    expect(counts["traced"] >= 1, "fn was never traced: the graph timing should call a tf.function of fn")
    expect(counts["eager"] == repeats + 1,
           f"with repeats={repeats}, fn ran eagerly {counts['eager']} times; expected one warm-up call plus "
           "the repeats (the graph calls must not run fn's Python code)")
    expect(counts["traced"] <= 2, f"fn was traced {counts['traced']} times: trace once, in the untimed warm-up")


@graded("time_eager_vs_graph", points=1)
def test_timing_measures_the_right_calls(sub, rng):
    # Each eager call of fn takes at least eager_sleep; its trace takes at least trace_sleep;
    # a graph call takes far less than either.
    eager_sleep, trace_sleep = 0.04, 0.4
    repeats, a, _, _ = draw(rng)
    got = sub.run(probe_timing, repeats, a, eager_sleep, trace_sleep)
    expect(got["ok_values"] and got["keys"] == ["eager", "graph"],
           "time_eager_vs_graph should return {'eager': seconds, 'graph': seconds}, floats greater than zero")
    expect(got["eager"] >= 0.95 * repeats * eager_sleep,
           "'eager' is shorter than the repeated eager calls of fn take: it should be their total time "
           "(are the two timings swapped?)")
    expect(got["graph"] < trace_sleep,
           "'graph' includes the tf.function's tracing: time only the calls after an untimed warm-up call")
    expect(got["graph"] < 0.5 * repeats * eager_sleep,
           "'graph' is as slow as running fn eagerly: it should time the calls of a tf.function of fn")
