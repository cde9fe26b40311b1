"""concrete_for traces with a zeros tensor, so unknown dimensions become fixed sizes.

breaks: concrete_for
"""
import tensorflow as tf


def concrete_for(f, spec):
    shape = [1 if d is None else d for d in spec.shape.as_list()]
    return f.get_concrete_function(tf.zeros(shape, spec.dtype))
