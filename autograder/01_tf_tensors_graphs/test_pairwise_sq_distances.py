"""Hidden tests of pairwise_sq_distances: values against NumPy, never negative."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_distances(mod, a, b):
    out = mod.pairwise_sq_distances(tf.constant(a), tf.constant(b))
    return np.asarray(out, dtype=np.float64)


def _reference(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)


@graded("pairwise_sq_distances", points=2)
def test_pairwise_sq_distances_values(sub, rng):
    n, m, d = (int(v) for v in rng.integers(1, 12, size=3))
    a = (rng.standard_normal((n, d)) * 2).astype(np.float32)
    b = (rng.standard_normal((m, d)) * 2).astype(np.float32)
    # and rows of b close to rows of a: a copy, and one at a squared distance well below 1
    b = np.concatenate([b, a[:1], a[-1:] + (rng.standard_normal((1, d)) * 0.1).astype(np.float32)])
    close(sub.run(probe_distances, a, b), _reference(a, b),
          "pairwise_sq_distances' values are wrong: entry [i, j] should be the squared Euclidean "
          "distance between a[i] and b[j] (shape [n, m])", rtol=1e-4, atol=1e-3)


@graded("pairwise_sq_distances", points=2)
def test_pairwise_sq_distances_never_negative(sub, rng):
    n, d = int(rng.integers(30, 60)), int(rng.integers(4, 16))
    a = (rng.standard_normal((n, d)) * 1e3).astype(np.float32)
    b = (a + rng.standard_normal((n, d)) * 1e-4).astype(np.float32)     # near-duplicates of a's rows
    got = sub.run(probe_distances, a, b)
    expect(isinstance(got, np.ndarray) and got.shape == (n, n), "the result should have shape [n, m]")
    expect(bool(np.all(got >= 0)),
           "pairwise_sq_distances gave negative distances for nearly equal rows of large magnitude: "
           "rounding error must not make a squared distance negative")
    want = _reference(a, b)
    scale = float(np.max(np.sum(a.astype(np.float64) ** 2, axis=1)))
    expect(bool(np.all(np.abs(got - want) <= 1e-5 * scale + 1e-4 * want)),
           "pairwise_sq_distances' values are wrong for rows of large magnitude")


@probe
def probe_in_graph(mod, d, pairs):
    """pairwise_sq_distances traced once in a tf.function whose inputs have an unknown number of
    rows ([None, d]), then run on every (a, b) pair; and the op types of that graph (nested
    functions included)."""
    fn = tf.function(lambda a, b: mod.pairwise_sq_distances(a, b),
                     input_signature=[tf.TensorSpec([None, d], tf.float32)] * 2)
    try:
        concrete = fn.get_concrete_function()
    except NotImplementedError:
        raise
    except Exception:  # a Python loop over a.shape[0] (None here) cannot be traced
        return {"traced": False}
    graph_def = concrete.graph.as_graph_def()        # its own ops and those of nested functions
    ops = {node.op for node in graph_def.node}
    ops |= {node.op for function in graph_def.library.function for node in function.node_def}
    ops = sorted(ops)
    outputs = [np.asarray(concrete(tf.constant(a), tf.constant(b)), dtype=np.float64) for a, b in pairs]
    return {"traced": True, "ops": ops, "outputs": outputs}


@graded("pairwise_sq_distances", points=2)
def test_pairwise_sq_distances_vectorised_for_unknown_batch(sub, rng):
    d = int(rng.integers(2, 7))
    sizes = [(int(rng.integers(1, 5)), int(rng.integers(1, 5))), (int(rng.integers(6, 14)), int(rng.integers(6, 14)))]
    pairs = [((rng.standard_normal((n, d)) * 2).astype(np.float32), (rng.standard_normal((m, d)) * 2).astype(np.float32))
             for n, m in sizes]
    got = sub.run(probe_in_graph, d, pairs)
    expect(got["traced"],
           "pairwise_sq_distances fails inside a tf.function whose inputs have an unknown number of rows "
           "([None, d]): vectorise it, with no Python loop over the rows")
    expect(not ({"While", "StatelessWhile"} & set(got["ops"])),
           "pairwise_sq_distances loops over the rows (its graph holds a While loop): vectorise it with "
           "broadcasting or a matrix product")
    expect(len(got["outputs"]) == len(pairs), "pairwise_sq_distances gave no result inside a tf.function")
    for (a, b), out in zip(pairs, got["outputs"]):
        close(out, _reference(a, b), "inside a tf.function with an unknown number of rows, "
              "pairwise_sq_distances' values are wrong", rtol=1e-4, atol=1e-3)
