"""The reader batches its output, instead of yielding one (features, label) pair per record.

breaks: read_tfrecord
"""
import tensorflow as tf


def read_tfrecord(path, feature_dim):
    spec = {"features": tf.io.FixedLenFeature([feature_dim], tf.float32),
            "label": tf.io.FixedLenFeature([], tf.int64)}
    return (tf.data.TFRecordDataset(path).batch(32)
            .map(lambda records: tuple(tf.io.parse_example(records, spec)[k] for k in ("features", "label"))))
