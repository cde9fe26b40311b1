"""Hidden graders of op_types: the set of op.type in a concrete function's own graph."""
from dlcourse.grading import expect, graded, probe


@probe
def probe_op_types(mod, kind, n):
    # Build a grader concrete function; compare op_types with the graph's own op types.
    bodies = {
        "matmul": lambda x: tf.matmul(x, x) + 1.0,
        "softplus": lambda x: tf.reduce_sum(tf.nn.softplus(x), axis=0) * 2.0,
        "cond": lambda x: tf.cond(tf.reduce_sum(x) > 0, lambda: tf.exp(x), lambda: tf.sqrt(tf.abs(x))),
    }
    concrete = tf.function(bodies[kind]).get_concrete_function(tf.TensorSpec([n, n], tf.float32))
    got = mod.op_types(concrete)
    want = sorted({op.type for op in concrete.graph.get_operations()})
    if not isinstance(got, (set, frozenset)):
        return {"is_set": False, "type": type(got).__name__, "got": None, "want": want}
    return {"is_set": True, "type": type(got).__name__, "got": sorted(str(t) for t in got), "want": want}


@graded("op_types", points=2)
def test_op_types_of_the_graph(sub, rng):
    for kind in ("matmul", "softplus", "cond"):
        got = sub.run(probe_op_types, kind, int(rng.integers(2, 5)))
        expect(got["is_set"], f"op_types should return a set, got a {got['type']}")
        expect(got["got"] == got["want"], "op_types does not give the op types (op.type) of the operations "
               "in the concrete function's graph")
