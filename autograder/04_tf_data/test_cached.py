"""Hidden tests of cached: map_fn runs once per element over several epochs, values unchanged, prefetch last.

How often map_fn ran is read from the values, not from a counter or a variable in map_fn's reach: the probe's
map_fn adds a shift that its graph reads from a file, and the probe writes a new random shift there before each
epoch. A cache replays the first epoch's values in every later epoch; a map_fn that runs again shows the new shift.
"""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_cached(mod, x, scale, shifts, path):
    """Iterate cached(ds, map_fn) for len(shifts) - 1 epochs, with shifts[k] in force during epoch k."""
    def write(value):
        with open(path, "w") as fh:
            fh.write(repr(float(value)))

    def map_fn(v):
        return v * np.float32(scale) + tf.strings.to_number(tf.io.read_file(path), tf.float32)

    write(shifts[0])
    ds = mod.cached(tf.data.Dataset.from_tensor_slices(x), map_fn)
    if not isinstance(ds, tf.data.Dataset):
        return {"error": f"cached returned a {type(ds).__name__}, not a tf.data.Dataset"}
    out = []
    for value in shifts[1:]:
        write(value)
        out.append([np.asarray(element) for element in ds])
    graph = tf.compat.v1.GraphDef.FromString(ds._as_serialized_graph().numpy())
    nodes = {node.name: node for node in graph.node}
    ret = [node for node in graph.node if node.op == "_Retval"]
    chain, name = [], (ret[0].input[0] if ret and ret[0].input else None)
    while name is not None:
        node = nodes.get(name.lstrip("^").split(":")[0])
        if node is None or "Dataset" not in node.op:
            break
        chain.append(node.op)
        name = node.input[0] if node.input else None
    return {"error": None, "epochs": out, "chain": chain}


def _run(sub, rng):
    """x, the epochs' stacked values, what map_fn gives in each epoch (the shift then in force), the chain."""
    n, epochs = int(rng.integers(5, 40)), int(rng.integers(2, 5))
    x = rng.standard_normal((n,) + ((int(rng.integers(2, 5)),) if rng.random() < 0.5 else ())).astype(np.float32)
    scale = float(rng.uniform(0.5, 3.0))
    shifts = [float(v) for v in rng.choice(np.arange(-50, 50), epochs + 1, replace=False) + rng.uniform(0.1, 0.9)]
    got = sub.run(probe_cached, x, scale, shifts, f"shift_{rng.integers(10**9)}.txt")
    expect(got["error"] is None, f"cached: {got['error']}")
    mapped = [(x * np.float32(scale) + np.float32(s)).astype(np.float32) for s in shifts[1:]]
    values = []
    for k, epoch in enumerate(got["epochs"]):
        expect(len(epoch) == n and all(np.asarray(v).shape == x.shape[1:] for v in epoch),
               f"epoch {k + 1} did not hold one mapped element per input element")
        values.append(np.stack([np.asarray(v, dtype=np.float64) for v in epoch]))
    close(values[0], mapped[0], "the first epoch did not give map_fn of each element, in order", rtol=1e-5, atol=1e-5)
    for k in range(1, len(values)):
        same = np.allclose(values[k], values[0], rtol=1e-5, atol=1e-5)
        expect(same or np.allclose(values[k], mapped[k], rtol=1e-5, atol=1e-5),
               f"epoch {k + 1} did not give map_fn of each element, in order")
    return x, values, got["chain"]


@graded("cached", points=2)
def test_cached_maps_each_element_once(sub, rng):
    x, values, _ = _run(sub, rng)
    for k in range(1, len(values)):
        expect(np.allclose(values[k], values[0], rtol=1e-5, atol=1e-5),
               f"over {len(values)} epochs, map_fn ran again in epoch {k + 1}; it should run once per element in "
               "total (cache after the map)")


@graded("cached", points=1)
def test_cached_values(sub, rng):
    _run(sub, rng)


@graded("cached", points=1)
def test_cached_prefetches_after_the_cache(sub, rng):
    x, values, chain = _run(sub, rng)
    chain = [op for op in chain if op != "OptionsDataset"]
    expect(bool(chain) and chain[0].startswith("PrefetchDataset") and any(op.startswith("CacheDataset") for op in chain),
           "cached should end with prefetch, after the cache: as it is, nothing prefetches the cached elements")
