"""Hidden tests of cached: map_fn runs once per element over several epochs, values unchanged."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_cached(mod, x, epochs):
    """Count the calls of a map_fn (a Python side effect in tf.numpy_function) over some epochs."""
    calls = []

    def affine(v):
        calls.append(1)
        return (2.0 * v + 1.0).astype(np.float32)

    def map_fn(v):
        return tf.ensure_shape(tf.numpy_function(affine, [v], tf.float32), v.shape)

    ds = mod.cached(tf.data.Dataset.from_tensor_slices(x), map_fn)
    if not isinstance(ds, tf.data.Dataset):
        return {"error": f"cached returned a {type(ds).__name__}, not a tf.data.Dataset"}
    out = [[np.asarray(v) for v in ds] for _ in range(epochs)]
    return {"error": None, "calls": len(calls), "epochs": out}


def _run(sub, rng):
    n, epochs = int(rng.integers(5, 40)), int(rng.integers(2, 5))
    x = rng.standard_normal((n,) + ((int(rng.integers(2, 5)),) if rng.random() < 0.5 else ())).astype(np.float32)
    got = sub.run(probe_cached, x, epochs)
    expect(got["error"] is None, f"cached: {got['error']}")
    return x, epochs, got


@graded("cached", points=2)
def test_cached_maps_each_element_once(sub, rng):
    x, epochs, got = _run(sub, rng)
    expect(got["calls"] == len(x),
           f"over {epochs} epochs, map_fn ran {got['calls'] / len(x):.2g} times per element; it should run once per "
           "element in total (cache after the map)")


@graded("cached", points=1)
def test_cached_values(sub, rng):
    x, epochs, got = _run(sub, rng)
    for k, epoch in enumerate(got["epochs"]):
        expect(len(epoch) == len(x), f"epoch {k + 1} did not hold every element of the input once")
        close(np.stack(epoch), 2 * x + 1, f"epoch {k + 1} did not give map_fn of each element, in order",
              rtol=1e-6, atol=1e-6)
