"""running_sum takes the tf.cumsum shortcut instead of a loop with a TensorArray.

breaks: running_sum
"""
import tensorflow as tf


@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def running_sum(x):
    return tf.cumsum(x)
