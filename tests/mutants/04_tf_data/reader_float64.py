"""The reader casts the features to float64 (and the label to int32) instead of float32 / int64.

breaks: read_tfrecord
"""
import tensorflow as tf


def read_tfrecord(path, feature_dim):
    spec = {"features": tf.io.FixedLenFeature([feature_dim], tf.float32),
            "label": tf.io.FixedLenFeature([], tf.int64)}

    def parse(record):
        parsed = tf.io.parse_single_example(record, spec)
        return tf.cast(parsed["features"], tf.float64), tf.cast(parsed["label"], tf.int32)

    return tf.data.TFRecordDataset(path).map(parse)
