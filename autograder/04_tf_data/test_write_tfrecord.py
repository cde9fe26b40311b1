"""Hidden tests of write_tfrecord: its file is read here with a plain TFRecord + tf.train.Example reader."""
import struct

import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_write(mod, path, features, labels):
    """Write with the learner's writer to a relative path in the sandbox; return the file's bytes."""
    import os

    mod.write_tfrecord(path, features, labels)
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as fh:
        return fh.read()


def _records(data):
    """Split uncompressed TFRecord bytes into records (length, length CRC, data, data CRC)."""
    records, at = [], 0
    while at < len(data):
        if at + 12 > len(data):
            return None
        (length,) = struct.unpack("<Q", data[at:at + 8])
        if at + 12 + length + 4 > len(data):
            return None
        records.append(data[at + 12:at + 12 + length])
        at += 12 + length + 4
    return records


def _examples(sub, rng):
    """The learner's file for fresh data, parsed here into tf.train.Example messages."""
    import tensorflow as tf  # the trusted parent's own reader

    n, d = int(rng.integers(3, 25)), int(rng.integers(1, 9))
    features = rng.standard_normal((n, d)).astype(np.float32)
    labels = rng.integers(-1000, 1000, n).astype(np.int64)
    labels[int(rng.integers(n))] = int(rng.choice([-1, 1])) * int(rng.integers(2**31, 2**40))  # needs 64 bits
    data = sub.run(probe_write, f"written_{rng.integers(10**9)}.tfrecord", features, labels)
    expect(isinstance(data, bytes), "write_tfrecord did not create a file at the path it was given")
    records = _records(data)
    expect(records is not None, "write_tfrecord's file is not an uncompressed TFRecord file")
    examples = []
    for raw in records:
        try:
            examples.append(tf.train.Example.FromString(raw))
        except Exception:
            expect(False, "a record of write_tfrecord's file is not a serialized tf.train.Example")
    return features, labels, examples


@graded("write_tfrecord", points=1)
def test_write_tfrecord_one_example_per_row(sub, rng):
    features, labels, examples = _examples(sub, rng)
    expect(len(examples) == len(labels),
           f"write_tfrecord should write one record per row (it wrote {'more' if len(examples) > len(labels) else 'fewer'} "
           "records than rows)")
    for example in examples:
        feature = example.features.feature
        expect(sorted(feature) == ["features", "label"],
               f"each Example should have exactly the keys 'features' and 'label', got {sorted(feature)}")
        expect(feature["features"].WhichOneof("kind") == "float_list"
               and len(feature["features"].float_list.value) == features.shape[1],
               "'features' should be a FloatList of the row's D values")
        expect(feature["label"].WhichOneof("kind") == "int64_list" and len(feature["label"].int64_list.value) == 1,
               "'label' should be an Int64List holding one value")
    _check_values(features, labels, examples)


def _check_values(features, labels, examples):
    """The records must hold the rows and labels, in order."""
    expect(len(examples) == len(labels), "write_tfrecord should write one record per row")
    try:
        got_f = np.array([list(e.features.feature["features"].float_list.value) for e in examples], np.float32)
        got_l = np.array([list(e.features.feature["label"].int64_list.value) for e in examples], np.int64)
    except ValueError:
        got_f = got_l = np.zeros(0)
    close(got_f, features, "the 'features' values written are not the rows of features, in order", rtol=0, atol=1e-6)
    expect(got_l.shape == (len(labels), 1) and np.array_equal(got_l[:, 0], labels),
           "the 'label' values written are not the labels, in order")


@graded("write_tfrecord", points=2)
def test_write_tfrecord_values_in_order(sub, rng):
    features, labels, examples = _examples(sub, rng)
    _check_values(features, labels, examples)
