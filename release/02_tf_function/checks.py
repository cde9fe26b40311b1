"""Visible checks of 02_tf_function: small fixed examples, run in your kernel.

The hidden graders test more behaviours, with fresh random inputs.
"""
import os

import numpy as np
import tensorflow as tf

from dlcourse.visible import Checks

checks = Checks()


def _traces(fn):
    count = getattr(fn, "experimental_get_tracing_count", None)
    checks.expect(count is not None, "this should be a tf.function (it has no experimental_get_tracing_count)")
    return count()


def _raises(call):
    try:
        call()
    except Exception:
        return True
    return False


@checks.of("make_counting_function")
def _(make_counting_function):
    f, traces = make_counting_function()
    checks.expect(isinstance(traces, list), f"traces should be a list, got a {type(traces).__name__}")
    checks.expect(len(traces) == 0, f"traces should start empty, it has {len(traces)} entries")
    out = f(tf.constant([1.0, 2.0])).numpy().tolist()
    checks.expect(out == [2.0, 5.0], f"f([1, 2]) gave {out}, expected [2, 5]")
    f(tf.constant([3.0, 4.0]))
    checks.expect(len(traces) == 1, f"two calls with the same dtype and shape: traces has {len(traces)} entries, expected 1")
    f(tf.constant([1.0, 2.0, 3.0]))
    checks.expect(len(traces) == 2, f"after a call with a new shape traces has {len(traces)} entries, expected 2")


@checks.of("make_shape_agnostic")
def _(make_shape_agnostic):
    calls = []

    def fn(x):
        calls.append(1)
        return tf.reduce_sum(x, axis=1)

    g = make_shape_agnostic(fn)
    for shape in ((2, 3), (4, 1), (1, 5)):
        out = g(tf.ones(shape)).numpy().tolist()
        checks.expect(out == [float(shape[1])] * shape[0], f"for ones{shape} the result is {out}")
    checks.expect(len(calls) == 1, f"three 2-D float32 shapes caused {len(calls)} traces, expected 1")
    checks.expect(_raises(lambda: g(tf.ones((2, 2), tf.float64))), "a float64 input should raise")
    checks.expect(_raises(lambda: g(tf.ones((2, 2, 2)))), "a 3-D input should raise")


@checks.of("concrete_for")
def _(concrete_for):
    f = tf.function(lambda x: 2.0 * x + 1.0)
    c = concrete_for(f, tf.TensorSpec([None, 2], tf.float32))
    checks.expect(isinstance(c, tf.types.experimental.ConcreteFunction),
                  f"expected a ConcreteFunction, got a {type(c).__name__}")
    out = c(tf.ones([3, 2])).numpy().tolist()
    checks.expect(out == [[3.0, 3.0]] * 3, f"the concrete function gave {out} for ones([3, 2]), expected 3s")


@checks.of("op_types")
def _(op_types):
    f = tf.function(lambda x: tf.matmul(x, x) + 1.0)
    got = op_types(f.get_concrete_function(tf.TensorSpec([2, 2], tf.float32)))
    checks.expect(isinstance(got, set), f"op_types should return a set, got a {type(got).__name__}")
    for kind in ("Placeholder", "MatMul", "AddV2"):
        checks.expect(kind in got, f"{kind!r} is missing from {sorted(map(str, got))}")


@checks.of("running_sum")
def _(running_sum):
    out = running_sum(tf.constant([1.0, 2.0, 3.0])).numpy().tolist()
    checks.expect(out == [1.0, 3.0, 6.0], f"running_sum([1, 2, 3]) gave {out}, expected [1, 3, 6]")
    running_sum(tf.constant([1.0, 2.0, 3.0, 4.0, 5.0]))
    running_sum(tf.constant([7.0]))
    n = _traces(running_sum)
    checks.expect(n == 1, f"three lengths gave {n} traces, expected 1 (an input signature)")
    checks.expect(_raises(lambda: running_sum(tf.constant([1, 2]))), "an int32 input should raise")
    ops = {op.type for op in running_sum.get_concrete_function().graph.get_operations()}
    checks.expect("Cumsum" not in ops, "the graph uses Cumsum: write the loop yourself")
    checks.expect(bool(ops & {"While", "StatelessWhile"}), "the graph has no While loop: loop over tf.range")


@checks.of("sign_switch")
def _(sign_switch):
    before = _traces(sign_switch)
    pos = sign_switch(tf.constant([1.0, -0.5])).numpy().tolist()
    neg = sign_switch(tf.constant([-2.0, 1.0])).numpy().tolist()
    checks.expect(pos == [1.0, -0.5], f"sign_switch([1, -0.5]) gave {pos}, expected [1, -0.5]")
    checks.expect(neg == [2.0, -1.0], f"sign_switch([-2, 1]) gave {neg}, expected [2, -1]")
    checks.expect(_traces(sign_switch) - before <= 1, "the two signs used two traces; one should serve both")


@checks.of("log_graph")
def _(log_graph):
    import tempfile

    logdir = tempfile.mkdtemp(prefix="check_log_graph_")
    path = log_graph(lambda x: tf.nn.softplus(x) * 2.0, tf.TensorSpec([3], tf.float32), logdir)
    checks.expect(isinstance(path, str), f"log_graph should return a str path, got a {type(path).__name__}")
    checks.expect(os.path.isfile(path), f"{path} is not a file")
    checks.expect(os.path.dirname(os.path.abspath(path)).startswith(os.path.abspath(logdir)),
                  "the event file should be under logdir")
    with open(path, "rb") as fh:
        checks.expect(b"Softplus" in fh.read(), "the event file holds no graph with the function's Softplus op")


@checks.of("on_device")
def _(on_device):
    out = on_device(tf.square, tf.constant([2.0, 3.0]))
    checks.expect(out.numpy().tolist() == [4.0, 9.0], f"on_device(tf.square, [2, 3]) gave {out}")
    checks.expect(out.device.endswith("CPU:0"), f"the result lives on {out.device!r}, expected the CPU")


@checks.of("time_eager_vs_graph")
def _(time_eager_vs_graph):
    t = time_eager_vs_graph(lambda x: tf.tanh(x) * 2.0, tf.ones([4]), 5)
    checks.expect(isinstance(t, dict) and set(t) == {"eager", "graph"}, f"expected keys eager and graph, got {t!r}")
    checks.expect(all(isinstance(v, float) and v > 0 for v in t.values()), f"timings should be floats > 0: {t}")


check = checks.check
needs = checks.needs
