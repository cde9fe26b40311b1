"""make_shape_agnostic uses a TensorSpec of unknown rank, so 1-D and 3-D inputs are accepted.

breaks: make_shape_agnostic
"""
import tensorflow as tf


def make_shape_agnostic(fn):
    return tf.function(fn, input_signature=[tf.TensorSpec(shape=None, dtype=tf.float32)])
