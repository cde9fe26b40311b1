"""Negative distances from rounding: the expansion |a|^2 - 2ab + |b|^2 without a clamp at 0.

breaks: pairwise_sq_distances
"""
import tensorflow as tf


def pairwise_sq_distances(a, b):
    aa = tf.reduce_sum(a * a, axis=1, keepdims=True)
    bb = tf.reduce_sum(b * b, axis=1, keepdims=True)
    return aa - 2.0 * tf.matmul(a, b, transpose_b=True) + tf.transpose(bb)
