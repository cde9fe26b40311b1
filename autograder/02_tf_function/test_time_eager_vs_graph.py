"""Hidden graders of time_eager_vs_graph: a dict of two timings, warm-up calls, a real graph.

Timings are the learner's own report, so they are held against this process's clock: fn's
Python body sleeps (a duration drawn for the run) on every eager call and on its trace, and a
graph call runs no Python. The reported seconds must fit inside the probe's wall time as this
process measured it, with the warm-up call and the trace outside them. fn's own call counts are
kept under a name drawn for the run and only back those checks up."""
import time

from dlcourse.grading import expect, graded, probe

SLACK = 0.02   # seconds: perf_counter and sleep granularity


def counted_sleeper(a, eager_sleep, trace_sleep, tag):
    """(In the sandbox.) fn(x) = tanh(x) * a + 1; sleeps eager_sleep per eager call and
    trace_sleep per trace, counting both in a dict kept under the random name ``tag``."""
    import time as clock

    space = {"tf": tf, "clock": clock, "a": a, "es": eager_sleep, "ts": trace_sleep, tag: {"eager": 0, "traced": 0}}
    exec(f"def fn(x):\n"
         f"    if tf.executing_eagerly():\n"
         f"        {tag}['eager'] += 1\n"
         f"        clock.sleep(es)\n"
         f"    else:\n"
         f"        {tag}['traced'] += 1\n"
         f"        clock.sleep(ts)\n"
         f"    return tf.tanh(x) * a + 1.0\n", space)
    return space["fn"], space[tag]


@probe(uses=[counted_sleeper])
def probe_timing(mod, repeats, a, eager_sleep, trace_sleep, tag):
    fn, counts = counted_sleeper(a, eager_sleep, trace_sleep, tag)
    result = mod.time_eager_vs_graph(fn, tf.ones([4]), repeats)
    counts = dict(counts)
    if not isinstance(result, dict):
        return {"is_dict": False, "keys": [], "ok_values": False, "counts": counts, "eager": None, "graph": None}
    keys = sorted(str(k) for k in result)
    ok = all(type(v) is float and v > 0 for v in result.values())
    values = {k: float(result[k]) if ok and k in result else None for k in ("eager", "graph")}
    return {"is_dict": True, "keys": keys, "ok_values": ok, "counts": counts, **values}


def _tag(rng):
    return "c" + "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789"), size=12))


def _timed(sub, rng):
    """Run the probe with sleeps drawn for this run; (its result, its wall time here, repeats, sleeps)."""
    repeats = int(rng.integers(3, 7))
    eager_sleep, trace_sleep = float(rng.uniform(0.03, 0.06)), float(rng.uniform(0.25, 0.35))
    start = time.perf_counter()
    got = sub.run(probe_timing, repeats, float(rng.uniform(0.5, 2)), eager_sleep, trace_sleep, _tag(rng))
    wall = time.perf_counter() - start
    return got, wall, repeats, eager_sleep, trace_sleep


def _two_timings(got):
    expect(got["is_dict"], "time_eager_vs_graph should return a dict")
    expect(got["keys"] == ["eager", "graph"], f"the dict should have exactly the keys 'eager' and 'graph', got {got['keys']}")
    expect(got["ok_values"], "both timings should be floats (seconds) greater than zero")
    return got["eager"], got["graph"]


@graded("time_eager_vs_graph", points=1)
def test_timing_returns_two_positive_floats(sub, rng):
    got, wall, repeats, eager_sleep, trace_sleep = _timed(sub, rng)
    eager, graph = _two_timings(got)
    expect(eager + graph <= wall + SLACK and eager >= 0.95 * repeats * eager_sleep,
           "the timings are not measurements of the calls made: time them with time.perf_counter()")


@graded("time_eager_vs_graph", points=2)
def test_timing_warms_up_and_uses_a_graph(sub, rng):
    got, wall, repeats, eager_sleep, trace_sleep = _timed(sub, rng)
    eager, graph = _two_timings(got)
    counts = got["counts"] if isinstance(got["counts"], dict) else {}
    expect(counts.get("traced", 0) >= 1, "fn was never traced: the graph timing should call a tf.function of fn")
    expect(counts.get("eager") == repeats + 1,
           f"with repeats={repeats}, fn ran eagerly {counts.get('eager')} times; expected one warm-up call plus "
           "the repeats (the graph calls must not run fn's Python code)")
    expect(counts.get("traced", 0) <= 2, f"fn was traced {counts.get('traced')} times: trace once, in the untimed warm-up")
    expect(wall + SLACK >= (repeats + 1) * eager_sleep + trace_sleep,
           "fn's warm-up call and its trace did not both happen")
    expect(graph < 0.5 * repeats * eager_sleep and graph < 0.5 * trace_sleep,
           "'graph' is not the time of calls to a traced graph after an untimed warm-up call")
    expect(eager >= 0.95 * repeats * eager_sleep and eager + graph + eager_sleep + trace_sleep <= wall + SLACK,
           "'eager' is not the time of the repeated eager calls of fn, after an untimed warm-up call")


@graded("time_eager_vs_graph", points=1)
def test_timing_measures_the_right_calls(sub, rng):
    # Each eager call of fn takes at least eager_sleep; its trace takes at least trace_sleep;
    # a graph call takes far less than either.
    got, wall, repeats, eager_sleep, trace_sleep = _timed(sub, rng)
    eager, graph = _two_timings(got)
    expect(eager >= 0.95 * repeats * eager_sleep,
           "'eager' is shorter than the repeated eager calls of fn take: it should be their total time "
           "(are the two timings swapped?)")
    expect(graph < trace_sleep,
           "'graph' includes the tf.function's tracing: time only the calls after an untimed warm-up call")
    expect(graph < 0.5 * repeats * eager_sleep,
           "'graph' is as slow as running fn eagerly: it should time the calls of a tf.function of fn")
    expect(eager + graph + eager_sleep + trace_sleep <= wall + SLACK,
           "the timings are longer than the calls they time: time only the repeated calls, after the warm-up")
