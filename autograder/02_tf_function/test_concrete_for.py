"""Hidden graders of concrete_for: the ConcreteFunction of f for a TensorSpec."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_concrete(mod, shape, dtype, x, a):
    # A grader tf.function; ask for its concrete function and call it on x.
    f = tf.function(lambda v: tf.tanh(v) * a + 1.0)
    c = mod.concrete_for(f, tf.TensorSpec(shape, getattr(tf, dtype)))
    is_concrete = isinstance(c, tf.types.experimental.ConcreteFunction)
    signature = None
    if is_concrete:
        spec = c.structured_input_signature[0][0]
        signature = [None if d is None else int(d) for d in spec.shape.as_list()] + [spec.dtype.name]
    out = np.asarray(c(tf.constant(x, dtype=getattr(tf, dtype))))
    return {"is_concrete": is_concrete, "type": type(c).__name__, "signature": signature, "out": out}


def draw(rng):
    shape = [None if rng.random() < 0.5 else int(rng.integers(1, 5)) for _ in range(int(rng.integers(1, 3)))]
    dtype = str(rng.choice(["float32", "float64"]))
    concrete_shape = [int(rng.integers(1, 5)) if d is None else d for d in shape]
    return shape, dtype, rng.standard_normal(concrete_shape), float(rng.uniform(0.5, 3.0))


@graded("concrete_for", points=2)
def test_concrete_for_is_a_concrete_function_of_f(sub, rng):
    shape, dtype, x, a = draw(rng)
    got = sub.run(probe_concrete, shape, dtype, x, a)
    expect(got["is_concrete"], f"concrete_for should return a ConcreteFunction, got a {got['type']}")
    close(got["out"], np.tanh(x) * a + 1.0, "the concrete function does not compute f", rtol=1e-5, atol=1e-5)


@graded("concrete_for", points=1)
def test_concrete_for_follows_the_spec(sub, rng):
    for _ in range(2):
        shape, dtype, x, a = draw(rng)
        shape[0] = None
        got = sub.run(probe_concrete, shape, dtype, x, a)
        expect(got["signature"] == shape + [dtype],
               "the concrete function's input signature is not the TensorSpec it was asked for "
               "(unknown dimensions must stay unknown)")
