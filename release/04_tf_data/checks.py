"""Visible checks for 04_tf_data: small fixed examples you can read.

The hidden tests check more, with fresh random inputs.
"""
import base64
import os
import tempfile

import numpy as np
import tensorflow as tf

from dlcourse.visible import CheckFailed, Checks

checks = Checks()


def _epoch(ds):
    """One epoch of a (x, y) dataset as two lists of NumPy batches."""
    xs, ys = [], []
    for element in ds:
        if not (isinstance(element, tuple) and len(element) == 2):
            raise CheckFailed(f"elements should be (x, y) pairs, got a {type(element).__name__}")
        xs.append(np.asarray(element[0]))
        ys.append(np.asarray(element[1]))
    return xs, ys


def _dataset_ops(ds):
    """The dataset ops of ``ds``'s graph, from the output back to the source."""
    graph = tf.compat.v1.GraphDef.FromString(ds._as_serialized_graph().numpy())
    nodes = {node.name: node for node in graph.node}
    ret = [node for node in graph.node if node.op == "_Retval"]
    chain, name = [], ret[0].input[0] if ret else None
    while name is not None:
        node = nodes.get(name.lstrip("^").split(":")[0])
        if node is None or "Dataset" not in node.op:
            break
        chain.append(node.op)
        name = node.input[0] if node.input else None
    return chain


def _is_dataset(ds, name):
    checks.expect(isinstance(ds, tf.data.Dataset), f"{name} should return a tf.data.Dataset, got {type(ds).__name__}")


@checks.of("make_pipeline")
def _(make_pipeline):
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    y = np.arange(10) * 10
    ds = make_pipeline(x, y, 4)
    _is_dataset(ds, "make_pipeline")
    xs, ys = _epoch(ds)
    got = [b[:, 0].astype(int).tolist() for b in xs]
    checks.expect(got == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]],
                  f"without a seed, x = 0..9 in batches of 4 should give [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], got {got}")
    checks.expect(xs[0].dtype == np.float32 and ys[0].dtype == np.int64,
                  f"elements should keep their dtypes (float32, int64), got ({xs[0].dtype}, {ys[0].dtype})")
    checks.expect([b.tolist() for b in ys] == [[0, 10, 20, 30], [40, 50, 60, 70], [80, 90]],
                  "the labels should be the y of the same examples")
    sizes = [len(b) for b in _epoch(make_pipeline(x, y, 4, drop_remainder=True))[0]]
    checks.expect(sizes == [4, 4], f"with drop_remainder=True, 10 examples in batches of 4 give sizes [4, 4], got {sizes}")

    ds = make_pipeline(x, y, 4, shuffle_seed=0)
    epochs = []
    for _ in range(2):
        xs, ys = _epoch(ds)
        order = np.concatenate(xs)[:, 0].astype(int)
        checks.expect(sorted(order.tolist()) == list(range(10)),
                      f"with a seed, each epoch should hold every example once; got {order.tolist()}")
        checks.expect(np.array_equal(np.concatenate(ys), order * 10), "shuffling should keep each x with its own y")
        epochs.append(order.tolist())
    checks.expect(epochs[0] != list(range(10)), "with a seed, the examples should be shuffled")
    checks.expect(epochs[0] != epochs[1], f"two epochs gave the same order {epochs[0]}: reshuffle each epoch")
    again = np.concatenate(_epoch(make_pipeline(x, y, 4, shuffle_seed=0))[0])[:, 0].astype(int).tolist()
    checks.expect(again == epochs[0], "two pipelines built with the same seed should give the same first epoch")

    big = np.arange(2000, dtype=np.float32).reshape(2000, 1)
    ds = make_pipeline(big, np.arange(2000), 32, shuffle_seed=1)
    firsts = np.concatenate([next(iter(ds))[0].numpy()[:, 0] for _ in range(3)])
    checks.expect(firsts.max() >= 1000,
                  "over 3 epochs of 2000 examples, no first batch held an example from the second half: "
                  "is the shuffle buffer as large as the data?")
    chain = [op for op in _dataset_ops(ds) if op != "OptionsDataset"]
    checks.expect(bool(chain) and chain[0].startswith("PrefetchDataset"),
                  f"the last stage should be prefetch; the chain from the output is {chain}")

    try:
        tf.random.set_seed(1234)
        want = tf.random.uniform([3]).numpy()
        tf.random.set_seed(1234)
        make_pipeline(x, y, 4, shuffle_seed=5)
        got = tf.random.uniform([3]).numpy()
    finally:
        tf.random.set_seed(None)
    checks.expect(np.array_equal(got, want),
                  "make_pipeline changed TensorFlow's global random state: give the seed to shuffle(seed=...), "
                  "not to tf.random.set_seed")


@checks.of("scale_images")
def _(scale_images):
    images = np.array([[[0, 255], [51, 102]], [[255, 255], [0, 0]]], dtype=np.uint8)
    labels = np.array([3, 7])
    out = scale_images(tf.data.Dataset.from_tensor_slices((images, labels)))
    _is_dataset(out, "scale_images")
    xs, ys = _epoch(out)
    checks.expect(xs[0].dtype == np.float32, f"images should be float32, got {xs[0].dtype}")
    checks.expect(np.allclose(xs[0], [[0, 1], [0.2, 0.4]]),
                  f"[[0, 255], [51, 102]] should become [[0, 1], [0.2, 0.4]], got {xs[0].tolist()}")
    checks.expect([int(v) for v in ys] == [3, 7], f"labels should stay [3, 7], got {[int(v) for v in ys]}")
    xs, ys = _epoch(scale_images(tf.data.Dataset.from_tensor_slices((images, labels)).batch(2)))
    checks.expect(len(xs) == 1 and xs[0].shape == (2, 2, 2) and np.allclose(xs[0], images / 255.0),
                  "a batched dataset should give the same values, batch by batch")
    ops = _dataset_ops(out)
    checks.expect(any(op.startswith("ParallelMapDataset") for op in ops),
                  f"use a parallel map (num_parallel_calls=tf.data.AUTOTUNE); the dataset ops are {ops}")


@checks.of("windowed")
def _(windowed):
    ds = windowed(np.arange(6, dtype=np.float32), 2, 3)
    _is_dataset(ds, "windowed")
    xs, ys = _epoch(ds)
    got = [b.tolist() for b in xs], [b.tolist() for b in ys]
    want = [[[0, 1], [1, 2], [2, 3]], [[3, 4]]], [[2, 3, 4], [5]]
    checks.expect(got == want, f"series 0..5, window 2, batches of 3: expected x batches {want[0]} and "
                               f"y batches {want[1]}, got {got[0]} and {got[1]}")
    checks.expect(xs[0].dtype == np.float32, f"values should be float32, got {xs[0].dtype}")


@checks.of("from_generator")
def _(from_generator):
    def gen_fn():
        for i in range(3):
            yield np.array([i, -i], dtype=np.float32), i

    ds = from_generator(gen_fn, 2)
    _is_dataset(ds, "from_generator")
    spec = ds.element_spec
    checks.expect(isinstance(spec, tuple) and len(spec) == 2, f"elements should be (features, label) pairs, got {spec}")
    shapes = [s.shape.as_list() if s.shape.rank is not None else None for s in spec]
    dtypes = [s.dtype.name for s in spec]
    checks.expect(shapes == [[2], []] and dtypes == ["float32", "int64"],
                  f"expected specs of shape [2] float32 and [] int64, got shapes {shapes}, dtypes {dtypes}")
    for epoch in range(2):
        got = [(f.tolist(), int(l)) for f, l in ds.as_numpy_iterator()]
        checks.expect(got == [([0, 0], 0), ([1, -1], 1), ([2, -2], 2)],
                      f"epoch {epoch + 1} gave {got}, expected the generator's three pairs")


@checks.of("write_tfrecord")
def _(write_tfrecord):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.tfrecord")
        write_tfrecord(path, np.array([[0.5, 1.0], [2.0, -3.0]], np.float32), np.array([4, 9]))
        checks.expect(os.path.isfile(path), f"write_tfrecord should create the file at {path}")
        rows = []
        for record in tf.data.TFRecordDataset(path):
            example = tf.train.Example.FromString(record.numpy())
            feature = example.features.feature
            checks.expect(sorted(feature) == ["features", "label"],
                          f"each Example should have keys 'features' and 'label', got {sorted(feature)}")
            rows.append((list(feature["features"].float_list.value), list(feature["label"].int64_list.value)))
    checks.expect(rows == [([0.5, 1.0], [4]), ([2.0, -3.0], [9])],
                  f"expected records ([0.5, 1.0], [4]) and ([2.0, -3.0], [9]) as FloatList/Int64List, got {rows}")


# A TFRecord file of two tf.train.Examples, written by a standard writer:
# {"features": [0.5, 1.0, 1.5], "label": [4]} and {"features": [2.0, -3.0, 0.0], "label": [9]}.
_TWO_RECORDS = ("MAAAAAAAAACV9dBfCi4KHAoIZmVhdHVyZXMSEBIOCgwAAAA/AACAPwAAwD8KDgoFbGFiZWwSBRoDCgEEXxqF8DAAAAAAAAAAlfXQ"
                "XwouChwKCGZlYXR1cmVzEhASDgoMAAAAQAAAQMAAAAAACg4KBWxhYmVsEgUaAwoBCXAEgBY=")


@checks.of("read_tfrecord")
def _(read_tfrecord):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.tfrecord")
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(_TWO_RECORDS))
        ds = read_tfrecord(path, 3)
        _is_dataset(ds, "read_tfrecord")
        xs, ys = _epoch(ds)
    checks.expect([x.shape for x in xs] == [(3,), (3,)] and [y.shape for y in ys] == [(), ()],
                  f"expected two unbatched elements of shapes (3,) and (), got {[(x.shape, y.shape) for x, y in zip(xs, ys)]}")
    checks.expect(xs[0].dtype == np.float32 and ys[0].dtype == np.int64,
                  f"expected dtypes float32 and int64, got {xs[0].dtype} and {ys[0].dtype}")
    got = [(x.tolist(), int(y)) for x, y in zip(xs, ys)]
    checks.expect(got == [([0.5, 1.0, 1.5], 4), ([2.0, -3.0, 0.0], 9)], f"read {got}, expected the two written rows")


@checks.of("cached")
def _(cached):
    calls = []

    def double(v):
        calls.append(1)
        return 2 * v

    ds = cached(tf.data.Dataset.range(4), lambda v: tf.numpy_function(double, [v], tf.int64))
    _is_dataset(ds, "cached")
    for epoch in range(3):
        got = [int(v) for v in ds]
        checks.expect(got == [0, 2, 4, 6], f"epoch {epoch + 1} gave {got}, expected [0, 2, 4, 6]")
    checks.expect(len(calls) == 4, f"map_fn ran {len(calls)} times over 3 epochs of 4 elements; expected 4 "
                                   "(cache after the map)")
    chain = [op for op in _dataset_ops(ds) if op != "OptionsDataset"]
    checks.expect(len(chain) > 1 and chain[0].startswith("PrefetchDataset") and chain[1].startswith("CacheDataset"),
                  f"the last two stages should be cache, then prefetch; the chain from the output is {chain}")


check = checks.check
needs = checks.needs
