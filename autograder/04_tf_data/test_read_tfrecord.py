"""Hidden tests of read_tfrecord: it reads a file written here with a plain TFRecordWriter."""
import os
import tempfile

import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_read(mod, path, data, feature_dim):
    """Save the grader's TFRecord bytes at a relative path in the sandbox and read them back."""
    with open(path, "wb") as fh:
        fh.write(data)
    ds = mod.read_tfrecord(path, feature_dim)
    if not isinstance(ds, tf.data.Dataset):
        return {"error": f"read_tfrecord returned a {type(ds).__name__}, not a tf.data.Dataset"}
    xs, ys = [], []
    for element in ds:
        if not (isinstance(element, tuple) and len(element) == 2):
            return {"error": f"its elements are a {type(element).__name__}, not (features, label) pairs"}
        xs.append(np.asarray(element[0]))
        ys.append(np.asarray(element[1]))
    return {"error": None, "features": xs, "labels": ys}


def _file(rng):
    """A TFRecord file of fresh rows, written by the grader's own (standard) writer."""
    import tensorflow as tf  # the trusted parent's own writer

    n, d = int(rng.integers(3, 25)), int(rng.integers(1, 9))
    features = rng.standard_normal((n, d)).astype(np.float32)
    labels = rng.integers(-1000, 1000, n).astype(np.int64)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "rows.tfrecord")
        with tf.io.TFRecordWriter(path) as writer:
            for row, label in zip(features, labels):
                example = tf.train.Example(features=tf.train.Features(feature={
                    "features": tf.train.Feature(float_list=tf.train.FloatList(value=row.tolist())),
                    "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label)]))}))
                writer.write(example.SerializeToString())
        with open(path, "rb") as fh:
            data = fh.read()
    return features, labels, data


def _read(sub, rng):
    features, labels, data = _file(rng)
    got = sub.run(probe_read, f"rows_{rng.integers(10**9)}.tfrecord", data, features.shape[1])
    expect(got["error"] is None, f"read_tfrecord: {got['error']}")
    return features, labels, [np.asarray(x) for x in got["features"]], [np.asarray(y) for y in got["labels"]]


def _check_values(features, labels, xs, ys):
    """Flattened, the elements must be the file's rows and labels, in file order."""
    try:
        got_f = np.concatenate([x.reshape(-1, features.shape[1]) for x in xs]) if xs else np.zeros((0, features.shape[1]))
        got_l = np.concatenate([y.reshape(-1) for y in ys]) if ys else np.zeros(0)
    except ValueError:
        got_f = got_l = np.zeros(0)
    close(got_f, features, "read_tfrecord did not give the file's 'features' rows in file order", rtol=0, atol=1e-6)
    expect(got_l.shape == labels.shape and np.array_equal(got_l, labels),
           "read_tfrecord did not give the file's 'label' values in file order")


@graded("read_tfrecord", points=2)
def test_read_tfrecord_reads_standard_file(sub, rng):
    features, labels, xs, ys = _read(sub, rng)
    _check_values(features, labels, xs, ys)


@graded("read_tfrecord", points=1)
def test_read_tfrecord_unbatched_float32_int64(sub, rng):
    features, labels, xs, ys = _read(sub, rng)
    d = features.shape[1]
    expect(len(xs) == len(labels) and all(x.shape == (d,) for x in xs) and all(y.shape == () for y in ys),
           "read_tfrecord should yield one unbatched element per record: features of shape (feature_dim,) "
           "and a scalar label")
    expect(all(x.dtype == np.float32 for x in xs) and all(y.dtype == np.int64 for y in ys),
           "read_tfrecord should yield float32 features and int64 labels")
    _check_values(features, labels, xs, ys)
