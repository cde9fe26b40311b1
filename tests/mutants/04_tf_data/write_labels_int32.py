"""write_tfrecord casts the labels to int32 before writing them to the Int64List: a label beyond 32 bits wraps.

breaks: write_tfrecord
"""
import numpy as np
import tensorflow as tf


def write_tfrecord(path, features, labels):
    features = np.asarray(features, dtype=np.float32)
    labels = np.asarray(labels, dtype=np.int32)
    with tf.io.TFRecordWriter(path) as writer:
        for row, label in zip(features, labels):
            example = tf.train.Example(features=tf.train.Features(feature={
                "features": tf.train.Feature(float_list=tf.train.FloatList(value=row.tolist())),
                "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label)])),
            }))
            writer.write(example.SerializeToString())
