"""sign_switch returns x when sum(x) >= 0: a sum of exactly 0 keeps x instead of giving -x.

breaks: sign_switch
"""
import tensorflow as tf


@tf.function
def sign_switch(x):
    if tf.reduce_sum(x) >= 0:
        return x
    else:
        return -x
