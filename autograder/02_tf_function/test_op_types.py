"""Hidden graders of op_types: the set of op.type in a concrete function's own graph.

The expected set comes from a clean worker that builds the same grader function (it never ran
learner code), not from the graph object op_types was given."""
from dlcourse.grading import expect, graded, probe


def grader_concrete(kind, n):
    """(In a sandbox.) One of the grader's concrete functions."""
    bodies = {
        "matmul": lambda x: tf.matmul(x, x) + 1.0,
        "softplus": lambda x: tf.reduce_sum(tf.nn.softplus(x), axis=0) * 2.0,
        "cond": lambda x: tf.cond(tf.reduce_sum(x) > 0, lambda: tf.exp(x), lambda: tf.sqrt(tf.abs(x))),
    }
    return tf.function(bodies[kind]).get_concrete_function(tf.TensorSpec([n, n], tf.float32))


@probe(uses=[grader_concrete])
def probe_op_types(mod, kind, n):
    got = mod.op_types(grader_concrete(kind, n))
    if not isinstance(got, (set, frozenset)):
        return {"is_set": False, "type": type(got).__name__, "got": None}
    return {"is_set": True, "type": type(got).__name__, "got": sorted(str(t) for t in got)}


@probe(uses=[grader_concrete])
def probe_want(mod, kind, n):
    # (In the clean worker.) The op types of the same grader function's graph.
    return sorted({op.type for op in grader_concrete(kind, n).graph.get_operations()})


@graded("op_types", points=2)
def test_op_types_of_the_graph(sub, rng):
    for kind in ("matmul", "softplus", "cond"):
        n = int(rng.integers(2, 5))
        got = sub.run(probe_op_types, kind, n)
        expect(got["is_set"], f"op_types should return a set, got a {got['type']}")
        want = sub.clean(probe_want, kind, n)
        expect(got["got"] == want, "op_types does not give the op types (op.type) of the operations "
               "in the concrete function's graph")
