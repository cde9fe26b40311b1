"""sign_switch forgets the negative branch.

breaks: sign_switch
"""
import tensorflow as tf


@tf.function
def sign_switch(x):
    return x
