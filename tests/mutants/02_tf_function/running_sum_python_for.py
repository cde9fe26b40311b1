"""running_sum loops with a Python for over the tensor's static length (unrolled, one trace per length).

breaks: running_sum
"""
import tensorflow as tf


@tf.function
def running_sum(x):
    sums = tf.TensorArray(tf.float32, size=x.shape[0])
    total = tf.constant(0.0)
    for i in range(x.shape[0]):
        total += x[i]
        sums = sums.write(i, total)
    return sums.stack()
