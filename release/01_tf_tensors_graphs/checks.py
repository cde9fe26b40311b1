"""Visible checks for 01_tf_tensors_graphs: small fixed examples you can read.

The hidden tests check more, with fresh random inputs.
"""
import numpy as np
import tensorflow as tf

from dlcourse.visible import Checks

checks = Checks()


@checks.of("tensor_summary")
def _(tensor_summary):
    got = tensor_summary(tf.zeros([2, 3], dtype=tf.int64))
    want = {"rank": 2, "shape": (2, 3), "dtype": "int64", "size": 6}
    checks.expect(got == want, f"tensor_summary(tf.zeros([2, 3], tf.int64)) gave {got}, expected {want}")
    got = tensor_summary(tf.constant(1.5))
    want = {"rank": 0, "shape": (), "dtype": "float32", "size": 1}
    checks.expect(got == want, f"for the scalar tf.constant(1.5) it gave {got}, expected {want}")
    seen = {}

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])
    def inside(t):
        seen["summary"] = tensor_summary(t)
        return t

    inside.get_concrete_function()
    got, want = seen["summary"], {"rank": 2, "shape": (None, 4), "dtype": "float32", "size": None}
    checks.expect(got == want, f"for a [None, 4] tensor inside a tf.function it gave {got}, expected {want}")


@checks.of("standardize")
def _(standardize):
    x = tf.constant([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]])
    out = standardize(x, axis=1)
    checks.expect(isinstance(out, tf.Tensor) and out.dtype == tf.float32,
                  f"standardize should return a float32 tf.Tensor, got {type(out).__name__} "
                  f"{getattr(out, 'dtype', '')}")
    got = out.numpy()
    want = np.array([[-1.2247449, 0.0, 1.2247449], [0.0, 0.0, 0.0]])
    checks.expect(got.shape == want.shape and np.allclose(got, want, atol=1e-5),
                  f"standardize([[1, 2, 3], [5, 5, 5]], axis=1) gave {np.round(got, 4).tolist()}, "
                  f"expected {np.round(want, 4).tolist()} (population std; a constant row gives 0)")
    got = standardize(np.array([[0.0], [2.0]]), axis=0).numpy()
    checks.expect(got.shape == (2, 1) and np.allclose(got, [[-1.0], [1.0]], atol=1e-5),
                  f"standardize([[0], [2]], axis=0) gave {got.tolist()}, expected [[-1.0], [1.0]]")


@checks.of("pairwise_sq_distances")
def _(pairwise_sq_distances):
    a = tf.constant([[0.0, 0.0], [1.0, 1.0]])
    b = tf.constant([[1.0, 0.0], [0.0, 0.0], [3.0, 4.0]])
    got = np.asarray(pairwise_sq_distances(a, b))
    want = np.array([[1.0, 0.0, 25.0], [1.0, 2.0, 13.0]])
    checks.expect(got.shape == (2, 3), f"for a [2, 2] and b [3, 2] the result should be [2, 3], got {got.shape}")
    checks.expect(np.allclose(got, want, atol=1e-4), f"got {got.tolist()}, expected {want.tolist()}")
    same = tf.constant([[1000.1, -999.7, 500.3]])
    got = np.asarray(pairwise_sq_distances(same, same))
    checks.expect(got.shape == (1, 1) and got[0, 0] >= 0 and abs(got[0, 0]) < 1.0,
                  f"the distance of a row to itself should be about 0 and never negative, got {got.tolist()}")
    in_graph = tf.function(pairwise_sq_distances, input_signature=[tf.TensorSpec([None, 2], tf.float32)] * 2)
    try:
        got = np.asarray(in_graph(a, b))
    except NotImplementedError:
        raise
    except Exception as exc:
        checks.expect(False, "inside a tf.function with input_signature [TensorSpec([None, 2])] * 2 it raised "
                             f"{type(exc).__name__}: vectorise it (a.shape[0] is None there, so no Python loop over rows)")
    checks.expect(got.shape == (2, 3) and np.allclose(got, want, atol=1e-4),
                  f"inside a tf.function with an unknown number of rows it gave {got.tolist()}, expected {want.tolist()}")


@checks.of("build_v1_graph")
def _(build_v1_graph):
    graph, x, y = build_v1_graph()
    checks.expect(isinstance(graph, tf.Graph), f"the first result should be a tf.Graph, got {type(graph).__name__}")
    checks.expect(graph is not tf.compat.v1.get_default_graph(),
                  "build a new tf.Graph(), not in the global default graph")
    checks.expect(x.graph is graph and y.graph is graph, "x and y should belong to the returned graph")
    checks.expect(x.op.type == "Placeholder" and x.dtype == tf.float32 and x.shape.as_list() == [None],
                  f"x should be a float32 placeholder of shape [None], got {x.op.type} {x.dtype.name} {x.shape}")
    checks.expect(tf.executing_eagerly(), "after build_v1_graph() eager execution should still be on")
    with tf.compat.v1.Session(graph=graph) as session:
        got = session.run(y, feed_dict={x: [0.0, 1.0, -2.0]})
    checks.expect(np.allclose(got, [1.0, 3.0, -3.0]), f"y at x = [0, 1, -2] gave {got}, expected [1, 3, -3]")


@checks.of("run_v1_graph")
def _(run_v1_graph):
    g = tf.Graph()
    with g.as_default():
        inp = tf.compat.v1.placeholder(tf.float32, shape=[None])
        out = inp * 2.0 + 1.0
    got = run_v1_graph(g, inp, out, np.array([0.0, 1.0, 2.5]))
    checks.expect(isinstance(got, np.ndarray), f"run_v1_graph should return a NumPy array, got {type(got).__name__}")
    checks.expect(np.allclose(got, [1.0, 3.0, 6.0]), f"y = 2x + 1 at [0, 1, 2.5] gave {got}, expected [1, 3, 6]")


@checks.of("derivatives")
def _(derivatives):
    d1, d2 = derivatives(lambda x: x ** 3, tf.constant(2.0))
    checks.expect(d1 is not None and d2 is not None, "a derivative came back as None: is x watched by both tapes?")
    got = (float(d1), float(d2))
    checks.expect(np.allclose(got, (12.0, 12.0)), f"for x³ at 2 got {got}, expected (12, 12)")
    got = tuple(float(v) for v in derivatives(lambda x: tf.sin(x), tf.constant(0.5)))
    want = (np.cos(0.5), -np.sin(0.5))
    checks.expect(np.allclose(got, want, atol=1e-5), f"for sin(x) at 0.5 got {got}, expected {want}")


@checks.of("fit_line")
def _(fit_line):
    x = tf.constant([-1.0, -0.5, 0.0, 0.5, 1.0])
    w, b = fit_line(x, 3.0 * x - 1.0, steps=100, lr=0.4)
    checks.expect(type(w) is float and type(b) is float,
                  f"fit_line should return Python floats, got {type(w).__name__} and {type(b).__name__}")
    checks.expect(abs(w - 3.0) < 1e-3 and abs(b + 1.0) < 1e-3,
                  f"on exact data y = 3x - 1 (100 steps, lr 0.4) it gave w = {w:.4f}, b = {b:.4f}, expected 3 and -1")


check = checks.check
needs = checks.needs
