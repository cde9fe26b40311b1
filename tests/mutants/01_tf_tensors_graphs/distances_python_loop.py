"""A Python loop over the rows of a (one row of distances at a time, then tf.stack).

Right in eager mode, but not vectorised, and inside a tf.function whose inputs have an unknown
number of rows ([None, d]) range(a.shape[0]) is range(None): it cannot even be traced.

breaks: pairwise_sq_distances
"""
import tensorflow as tf


def pairwise_sq_distances(a, b):
    a = tf.convert_to_tensor(a)
    b = tf.convert_to_tensor(b)
    rows = [tf.reduce_sum(tf.square(b - a[i]), axis=1) for i in range(a.shape[0])]
    return tf.stack(rows)
