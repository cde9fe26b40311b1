"""Hidden tests of make_pipeline: order, batch sizes, shuffling over the whole data, prefetch last."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_epochs(mod, x, y, batch_size, seed, drop_remainder, epochs, as_tensors, first_only):
    """Iterate a make_pipeline dataset for some epochs; return each epoch's batches."""
    if as_tensors:
        x, y = tf.constant(x), tf.constant(y)
    if seed is None and not drop_remainder:
        ds = mod.make_pipeline(x, y, batch_size)
    else:
        ds = mod.make_pipeline(x, y, batch_size, shuffle_seed=seed, drop_remainder=drop_remainder)
    if not isinstance(ds, tf.data.Dataset):
        return {"error": f"make_pipeline returned a {type(ds).__name__}, not a tf.data.Dataset"}
    out = []
    for _ in range(epochs):
        batches = []
        for element in ds:
            if not (isinstance(element, tuple) and len(element) == 2):
                return {"error": f"its elements are a {type(element).__name__}, not (x, y) pairs"}
            batches.append([np.asarray(element[0]), np.asarray(element[1])])
            if first_only:
                break
        out.append(batches)
    return {"error": None, "epochs": out}


@probe
def probe_fresh_calls(mod, x, y, batch_size, seeds):
    """The first epoch of pipelines built by fresh calls with the given seeds, in turn."""
    orders = []
    for seed in seeds:
        ds = mod.make_pipeline(x, y, batch_size, shuffle_seed=seed)
        orders.append(np.concatenate([np.asarray(bx)[:, 0] for bx, _ in ds]))
    return orders


@probe
def probe_chain(mod, x, y, batch_size, seed):
    """The dataset ops of the pipeline's graph, from its output back to its source."""
    ds = mod.make_pipeline(x, y, batch_size, shuffle_seed=seed)
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
    return {"chain": chain, "type": type(ds).__name__}


@probe
def probe_global_seed(mod, x, y, batch_size, seeds, global_seed, draws):
    """Set a global seed, build pipelines with the given seeds, then draw from TensorFlow's global random state."""
    tf.random.set_seed(global_seed)
    datasets = [mod.make_pipeline(x, y, batch_size, shuffle_seed=seed) for seed in seeds]
    after = tf.random.uniform([draws]).numpy()
    epochs = []
    for ds in datasets:
        if not isinstance(ds, tf.data.Dataset):
            return {"error": f"make_pipeline returned a {type(ds).__name__}, not a tf.data.Dataset"}
        epochs.append([[np.asarray(bx), np.asarray(by)] for bx, by in ds])
    return {"error": None, "epochs": epochs, "after": after}


def _data(rng, n, x_dtype="float32", y_dtype="int64"):
    """x (n, 2): column 0 is each example's index; y: a label unique to each example."""
    x = np.stack([np.arange(n), rng.standard_normal(n)], axis=1).astype(x_dtype)
    y = rng.permutation(n).astype(y_dtype)
    return x, y


def _epochs(sub, *args):
    got = sub.run(probe_epochs, *args)
    expect(got["error"] is None, f"make_pipeline: {got['error']}")
    return got["epochs"]


def _indices(batches, x, y):
    """The example indices of one epoch, after checking each x still travels with its y."""
    parts = []
    for bx, by in batches:
        bx, by = np.asarray(bx), np.asarray(by)
        expect(bx.ndim == 2 and bx.shape[1] == x.shape[1] and by.shape == bx.shape[:1],
               "make_pipeline's batches should have shapes (b, features) and (b,)")
        idx = bx[:, 0].astype(np.int64)
        expect(bool(np.all((idx >= 0) & (idx < len(x)))), "make_pipeline's batches hold values that are not examples of x")
        close(bx, x[idx], "make_pipeline changed the features of some examples")
        expect(np.array_equal(by, y[idx]), "make_pipeline separated some x from its own y")
        parts.append(idx)
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def _shuffled_epoch(batches, x, y, what):
    """The indices of one seeded epoch, after checking it holds every example once, not in the original order."""
    idx = _indices(batches, x, y)
    expect(np.array_equal(np.sort(idx), np.arange(len(x))),
           f"with a seed, {what} should hold every example exactly once")
    expect(not np.array_equal(idx, np.arange(len(x))), f"with a seed, {what} should be shuffled")
    return idx


@graded("make_pipeline", points=2)
def test_make_pipeline_no_seed_keeps_order(sub, rng):
    n, b = int(rng.integers(20, 60)), int(rng.integers(3, 10))
    x = rng.standard_normal((n, 3)).astype("float32")
    y = rng.integers(0, 10, n).astype("int32")
    epochs = _epochs(sub, x, y, b, None, False, 2, True, False)
    for batches in epochs:
        expect(all(np.asarray(bx).dtype == np.float32 and np.asarray(by).dtype == np.int32 for bx, by in batches),
               "make_pipeline should keep the dtypes of x and y (here float32 and int32)")
        got_x = np.concatenate([np.asarray(bx) for bx, _ in batches]) if batches else np.zeros((0, 3))
        got_y = np.concatenate([np.asarray(by) for _, by in batches]) if batches else np.zeros(0)
        close(got_x, x, "without a seed, make_pipeline should give every x in the original order, unshuffled")
        expect(np.array_equal(got_y, y), "without a seed, make_pipeline should give every y in the original order")


@graded("make_pipeline", points=1)
def test_make_pipeline_batch_sizes(sub, rng):
    b = int(rng.integers(5, 13))
    k, r = int(rng.integers(3, 8)), int(rng.integers(1, b))
    n = k * b + r
    x, y = _data(rng, n)
    seed = int(rng.integers(0, 2**31))
    for shuffle_seed, drop in ((None, False), (seed, False), (seed, True), (None, True)):
        batches = _epochs(sub, x, y, b, shuffle_seed, drop, 1, False, False)[0]
        sizes = [len(np.asarray(by)) for _, by in batches]
        if shuffle_seed is not None:   # where the short batch lands: the shuffle-before-batching test's question
            sizes = sorted(sizes, reverse=True)
        want = [b] * k + ([] if drop else [r])
        if sizes == want:
            idx = _indices(batches, x, y)
            expect(len(np.unique(idx)) == len(idx) and (shuffle_seed is not None or np.array_equal(idx, np.arange(len(idx)))),
                   "make_pipeline's batches should hold distinct examples of x"
                   + (" in the original order without a seed" if shuffle_seed is None else ""))
        expect(sizes == want, f"with drop_remainder={drop} and {'no seed' if shuffle_seed is None else 'a seed'}, "
                              "the batch sizes are wrong: expected full batches of batch_size examples"
                              + (" with the short last batch dropped" if drop else " and one shorter last batch"))


@graded("make_pipeline", points=1)
def test_make_pipeline_each_epoch_holds_every_example_once(sub, rng):
    n, b = int(rng.integers(100, 300)), int(rng.integers(8, 33))
    x, y = _data(rng, n)
    for epoch, batches in enumerate(_epochs(sub, x, y, b, int(rng.integers(0, 2**31)), False, 2, False, False)):
        idx = _indices(batches, x, y)
        expect(np.array_equal(np.sort(idx), np.arange(n)),
               f"with a seed, epoch {epoch + 1} should hold every example exactly once")


@graded("make_pipeline", points=1)
def test_make_pipeline_epochs_differ(sub, rng):
    n, b = int(rng.integers(100, 300)), int(rng.integers(8, 33))
    x, y = _data(rng, n)
    orders = [_shuffled_epoch(batches, x, y, f"epoch {k + 1}") for k, batches in
              enumerate(_epochs(sub, x, y, b, int(rng.integers(0, 2**31)), False, 3, False, False))]
    expect(not (np.array_equal(orders[0], orders[1]) and np.array_equal(orders[1], orders[2])),
           "with a seed, every epoch came in the same order: the data should be reshuffled each epoch")


@graded("make_pipeline", points=1)
def test_make_pipeline_same_seed_same_first_epoch(sub, rng):
    n, b = int(rng.integers(100, 300)), int(rng.integers(8, 33))
    x, y = _data(rng, n)
    seed, other = (int(v) for v in rng.choice(2**31, 2, replace=False))
    first, second, third = (np.asarray(order) for order in sub.run(probe_fresh_calls, x, y, b, [seed, seed, other]))
    expect(first.shape == (n,) and np.array_equal(np.sort(first).astype(np.int64), np.arange(n)),
           "with a seed, the first epoch should hold every example exactly once")
    expect(not np.array_equal(first, np.arange(n)), "with a seed, make_pipeline should shuffle the examples")
    expect(np.array_equal(first, second),
           "two pipelines built with the same shuffle_seed should give the same first epoch "
           "(pass the seed to shuffle)")
    expect(not np.array_equal(first, third), "pipelines built with different shuffle_seeds gave the same first epoch: "
                                             "the seed should choose the order")


@graded("make_pipeline", points=1)
def test_make_pipeline_early_batches_draw_from_whole_data(sub, rng):
    # The first quarter of each epoch: a buffer of 1000 (or smaller) on n >= 2000 examples can only
    # reach indices below 1000 + n/4 <= 3n/4 there. A shuffle of the whole data misses the last
    # quarter in 5 such quarters with probability below 0.75**(5 * 2000/4/48) < 1e-6 even when it
    # shuffles whole batches (a mistake the shuffle-before-batching test judges).
    n, b = int(rng.integers(2000, 3000)), int(rng.integers(16, 49))
    x, y = _data(rng, n)
    epochs = _epochs(sub, x, y, b, int(rng.integers(0, 2**31)), False, 5, False, False)
    orders = [_shuffled_epoch(batches, x, y, f"epoch {k + 1}") for k, batches in enumerate(epochs)]
    expect(any(not np.array_equal(order, orders[0]) for order in orders[1:]),
           "with a seed, every epoch came in the same order: the data should be reshuffled each epoch")
    firsts = np.concatenate([order[: n // 4] for order in orders])
    expect(int(firsts.max()) >= (3 * n) // 4,
           "over 5 epochs of a large data set, no first quarter of an epoch held an example from the last quarter "
           "of the data: the shuffle should mix the whole data set (a buffer as large as the data)")


@graded("make_pipeline", points=1)
def test_make_pipeline_shuffles_before_batching(sub, rng):
    n, b = int(rng.integers(200, 500)), int(rng.integers(8, 17))
    x, y = _data(rng, n)
    batches = _epochs(sub, x, y, b, int(rng.integers(0, 2**31)), True, 1, False, False)[0]
    idx = _indices(batches, x, y)
    expect(len(batches) == n // b and len(np.unique(idx)) == len(idx),
           "with a seed and drop_remainder=True, an epoch should hold n // batch_size full batches of distinct examples")
    blocks = 0
    for bx, by in batches:
        idx = np.sort(_indices([[bx, by]], x, y))
        blocks += int(len(idx) > 1 and idx[-1] - idx[0] == len(idx) - 1)
    # a uniform shuffle practically never makes a batch of >= 8 consecutive examples
    expect(2 * blocks < len(batches),
           "each batch held consecutive examples: shuffle the examples before batching them, "
           "not the batches")


@graded("make_pipeline", points=1)
def test_make_pipeline_prefetch_outermost(sub, rng):
    n, b = int(rng.integers(20, 60)), int(rng.integers(3, 10))
    x, y = _data(rng, n)
    batches = _epochs(sub, x, y, b, None, False, 1, False, False)[0]
    expect(np.array_equal(_indices(batches, x, y), np.arange(n)),
           "without a seed, make_pipeline should give every example in the original order")
    for seed in (None, int(rng.integers(0, 2**31))):
        got = sub.run(probe_chain, x, y, b, seed)
        chain = [op for op in got["chain"] if op != "OptionsDataset"]
        expect(bool(chain) and chain[0].startswith("PrefetchDataset"),
               f"prefetch should be the last stage of the pipeline ({'without' if seed is None else 'with'} a seed); "
               f"the outermost dataset is {got['type']}")


@graded("make_pipeline", points=1)
def test_make_pipeline_leaves_global_seed_alone(sub, rng):
    import tensorflow as tf  # the trusted parent's own random numbers

    n, b = int(rng.integers(50, 200)), int(rng.integers(4, 17))
    x, y = _data(rng, n)
    seed, other, global_seed = (int(v) for v in rng.choice(2**31, 3, replace=False))
    draws = int(rng.integers(4, 9))
    got = sub.run(probe_global_seed, x, y, b, [seed, other], global_seed, draws)
    expect(got["error"] is None, f"make_pipeline: {got['error']}")
    first, second = (_shuffled_epoch(batches, x, y, "an epoch") for batches in got["epochs"])
    expect(not np.array_equal(first, second), "pipelines built with different shuffle_seeds gave the same first epoch: "
                                              "the seed should choose the order")
    tf.random.set_seed(global_seed)
    want = tf.random.uniform([draws]).numpy()
    close(np.asarray(got["after"]), want,
          "make_pipeline changed TensorFlow's global random state: give the seed to the shuffle itself, "
          "not to tf.random.set_seed", rtol=0, atol=0)
