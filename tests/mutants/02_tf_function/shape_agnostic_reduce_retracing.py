"""make_shape_agnostic relies on reduce_retracing instead of an input signature (no dtype restriction).

breaks: make_shape_agnostic
"""
import tensorflow as tf


def make_shape_agnostic(fn):
    return tf.function(fn, reduce_retracing=True)
