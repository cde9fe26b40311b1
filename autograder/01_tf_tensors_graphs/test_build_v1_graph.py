"""Hidden tests of build_v1_graph: a new graph, a float32 [None] placeholder, y = 2x + 1, eager untouched."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_build(mod, values):
    """What build_v1_graph returned, and whether eager execution still works after it."""
    default_before = tf.compat.v1.get_default_graph()
    first = mod.build_v1_graph()
    second = mod.build_v1_graph()
    report = {"is_triple": isinstance(first, tuple) and len(first) == 3}
    if not report["is_triple"]:
        return report
    graph, x, y = first
    report["is_graph"] = isinstance(graph, tf.Graph)
    report["new_graph"] = (graph is not default_before and graph is not tf.compat.v1.get_default_graph()
                           and isinstance(second, tuple) and len(second) == 3 and second[0] is not graph)
    report["x_in_graph"] = getattr(x, "graph", None) is graph
    report["y_in_graph"] = getattr(y, "graph", None) is graph
    report["x_op"] = x.op.type if hasattr(x, "op") else type(x).__name__
    report["x_dtype"] = x.dtype.name if hasattr(x, "dtype") else None
    report["x_shape"] = x.shape.as_list() if hasattr(x, "shape") and x.shape.rank is not None else None
    report["eager_after"] = tf.executing_eagerly()
    try:
        report["eager_op"] = float((tf.constant(2.0) * 3.0).numpy())
    except Exception as exc:  # eager execution was switched off
        report["eager_op"] = type(exc).__name__
    report["y_values"] = None
    if report["is_graph"] and report["x_in_graph"] and report["y_in_graph"]:
        with tf.compat.v1.Session(graph=graph) as sess:
            report["y_values"] = np.asarray(sess.run(y, feed_dict={x: values}), dtype=np.float64)
    return report


def _build(sub, rng):
    values = rng.uniform(-10, 10, int(rng.integers(1, 12))).astype(np.float32)
    got = sub.run(probe_build, values)
    expect(got["is_triple"], "build_v1_graph should return a tuple (graph, x, y)")
    return values, got


@graded("build_v1_graph", points=1)
def test_build_v1_graph_new_graph(sub, rng):
    _, got = _build(sub, rng)
    expect(got["is_graph"], "the first result should be a tf.Graph")
    expect(got["new_graph"],
           "build_v1_graph should create a new tf.Graph on each call, not use the global default graph")
    expect(got["x_in_graph"] and got["y_in_graph"], "x and y should be tensors of the returned graph")


@graded("build_v1_graph", points=1)
def test_build_v1_graph_placeholder(sub, rng):
    _, got = _build(sub, rng)
    expect(got["x_op"] == "Placeholder", f"x should be a placeholder, got a {got['x_op']}")
    expect(got["x_dtype"] == "float32", f"x should be float32, got {got['x_dtype']}")
    expect(got["x_shape"] == [None], f"x should have shape [None] (any length), got {got['x_shape']}")


@graded("build_v1_graph", points=1)
def test_build_v1_graph_y_is_2x_plus_1(sub, rng):
    values, got = _build(sub, rng)
    expect(got["y_values"] is not None, "y could not be evaluated in a session on the returned graph")
    close(got["y_values"], 2.0 * values.astype(np.float64) + 1.0, "y should be 2 * x + 1", rtol=1e-5, atol=1e-5)


@graded("build_v1_graph", points=1)
def test_build_v1_graph_keeps_eager(sub, rng):
    _, got = _build(sub, rng)
    expect(got["eager_after"] is True and got["eager_op"] == 6.0,
           "after build_v1_graph() eager execution should still be on and eager ops should still work: "
           "build inside `with graph.as_default():` instead of switching eager execution off")
    expect(got["is_graph"] and got["x_op"] == "Placeholder", "build_v1_graph should build x in a tf.Graph")
