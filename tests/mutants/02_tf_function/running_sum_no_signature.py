"""running_sum has no input signature: it retraces per length and accepts other inputs.

breaks: running_sum
"""
import tensorflow as tf


@tf.function
def running_sum(x):
    n = tf.shape(x)[0]
    sums = tf.TensorArray(x.dtype, size=n)
    total = tf.zeros([], x.dtype)
    for i in tf.range(n):
        total += x[i]
        sums = sums.write(i, total)
    return sums.stack()
