"""Sample std (ddof=1) instead of the population std.

breaks: standardize
"""
import tensorflow as tf


def standardize(x, axis):
    x = tf.cast(x, tf.float32)
    n = tf.cast(tf.shape(x)[axis], tf.float32)
    mean = tf.reduce_mean(x, axis=axis, keepdims=True)
    var = tf.reduce_sum(tf.square(x - mean), axis=axis, keepdims=True) / (n - 1.0)
    return tf.math.divide_no_nan(x - mean, tf.sqrt(var))
