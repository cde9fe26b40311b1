"""The label is written as a FloatList instead of an Int64List.

breaks: write_tfrecord
"""
import numpy as np
import tensorflow as tf


def write_tfrecord(path, features, labels):
    with tf.io.TFRecordWriter(path) as writer:
        for row, label in zip(np.asarray(features, np.float32), labels):
            example = tf.train.Example(features=tf.train.Features(feature={
                "features": tf.train.Feature(float_list=tf.train.FloatList(value=row.tolist())),
                "label": tf.train.Feature(float_list=tf.train.FloatList(value=[float(label)])),
            }))
            writer.write(example.SerializeToString())
