"""Hidden graders of concrete_for: the ConcreteFunction of f for a TensorSpec.

Its graph is read and run outside the learner's process (graphs.py): the placeholder's dtype and
shape are parsed here, and the graph is run in a clean worker on inputs drawn afterwards."""
import importlib.util
from pathlib import Path

import numpy as np

from dlcourse.grading import close, expect, graded, probe

_spec = importlib.util.spec_from_file_location("graphs_of_02", Path(__file__).with_name("graphs.py"))
graphs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(graphs)


@probe(uses=[graphs.graph_of])
def probe_concrete(mod, shape, dtype, x, a):
    # A grader tf.function; ask for its concrete function, call it on x, and take its graph.
    f = tf.function(lambda v: tf.tanh(v) * a + 1.0)
    c = mod.concrete_for(f, tf.TensorSpec(shape, getattr(tf, dtype)))
    is_concrete = isinstance(c, tf.types.experimental.ConcreteFunction)
    out = np.asarray(c(tf.constant(x, dtype=getattr(tf, dtype))))
    return {"is_concrete": is_concrete, "type": type(c).__name__, "out": out, "graph": graph_of(c)}


def draw(rng, unknown=True):
    shape = [None if unknown and rng.random() < 0.5 else int(rng.integers(1, 5)) for _ in range(int(rng.integers(1, 3)))]
    dtype = str(rng.choice(["float32", "float64"]))
    return shape, dtype, example(rng, shape), float(rng.uniform(0.5, 3.0))


def example(rng, shape):
    return rng.standard_normal([int(rng.integers(1, 5)) if d is None else d for d in shape])


@graded("concrete_for", points=2)
def test_concrete_for_is_a_concrete_function_of_f(sub, rng):
    shape, dtype, x, a = draw(rng, unknown=False)   # unknown dimensions: the next test's question
    got = sub.run(probe_concrete, shape, dtype, x, a)
    expect(got["is_concrete"] and got["graph"] is not None,
           f"concrete_for should return a ConcreteFunction, got a {got['type']}")
    close(got["out"], np.tanh(x) * a + 1.0, "the concrete function does not compute f", rtol=1e-5, atol=1e-5)
    fresh = [example(rng, shape) for _ in range(2)]
    expect(graphs.computes(sub, got["graph"], fresh, [np.tanh(v) * a + 1.0 for v in fresh], dtype=dtype),
           "the concrete function's graph does not compute f")


@graded("concrete_for", points=1)
def test_concrete_for_follows_the_spec(sub, rng):
    for _ in range(2):
        shape, dtype, x, a = draw(rng)
        shape[0] = None
        x = example(rng, shape)
        got = sub.run(probe_concrete, shape, dtype, x, a)
        graph = graphs.parse(got["graph"])
        expect(graph is not None, f"concrete_for should return a ConcreteFunction, got a {got['type']}")
        expect(graphs.placeholder(graph, got["graph"]["input"]) == (dtype, shape),
               "the concrete function's input is not the TensorSpec it was asked for "
               "(its dtype, and unknown dimensions must stay unknown)")
        fresh = [example(rng, shape) for _ in range(3)]
        expect(graphs.computes(sub, got["graph"], fresh, [np.tanh(v) * a + 1.0 for v in fresh], dtype=dtype),
               "the concrete function should compute f for every input that fits the TensorSpec")
