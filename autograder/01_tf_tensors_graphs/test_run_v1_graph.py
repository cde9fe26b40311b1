"""Hidden tests of run_v1_graph: evaluates y in a Session on the given graph, returns a NumPy array."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_run(mod, values, kind):
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, shape=[None], name="x")
        y = 2.0 * x + 1.0 if kind == "affine" else tf.square(x) - 3.0
    out = mod.run_v1_graph(graph, x, y, values)
    return {"type": type(out).__name__, "values": np.asarray(out, dtype=np.float64),
            "eager": tf.executing_eagerly()}


def _values(rng):
    return rng.uniform(-10, 10, int(rng.integers(1, 20))).astype(np.float32)


@graded("run_v1_graph", points=2)
def test_run_v1_graph_values(sub, rng):
    values = _values(rng)
    got = sub.run(probe_run, values, "affine")
    close(got["values"], 2.0 * values.astype(np.float64) + 1.0,
          "run_v1_graph should return y evaluated with `values` fed to x", rtol=1e-5, atol=1e-4)
    values = _values(rng)
    got = sub.run(probe_run, values, "square")
    close(got["values"], values.astype(np.float64) ** 2 - 3.0,
          "run_v1_graph should evaluate the y it is given (for any graph, x and y)", rtol=1e-5, atol=1e-4)


@graded("run_v1_graph", points=1)
def test_run_v1_graph_returns_ndarray(sub, rng):
    values = _values(rng)
    got = sub.run(probe_run, values, "affine")
    expect(got["type"] == "ndarray", f"run_v1_graph should return a NumPy array, got a {got['type']}")
    expect(got["values"].shape == values.shape, "the result should have one value per fed value")
    expect(got["eager"] is True, "run_v1_graph should not switch eager execution off")
