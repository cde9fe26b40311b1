"""A loop over tf.range of the rows, collected in a TensorArray: AutoGraph makes it a While loop.

It works for any number of rows, but it is a loop over rows, not vectorised code.

breaks: pairwise_sq_distances
"""
import tensorflow as tf


@tf.function
def _rows(a, b):
    out = tf.TensorArray(tf.float32, size=tf.shape(a)[0])
    for i in tf.range(tf.shape(a)[0]):
        out = out.write(i, tf.reduce_sum(tf.square(b - a[i]), axis=1))
    return out.stack()


def pairwise_sq_distances(a, b):
    a = tf.convert_to_tensor(a, tf.float32)
    b = tf.convert_to_tensor(b, tf.float32)
    return tf.reshape(_rows(a, b), [tf.shape(a)[0], tf.shape(b)[0]])
