"""The generator is created once: the second epoch finds it exhausted and is empty.

breaks: from_generator
"""
import tensorflow as tf


def from_generator(gen_fn, feature_dim):
    generator = gen_fn()
    return tf.data.Dataset.from_generator(
        lambda: generator,
        output_signature=(tf.TensorSpec((feature_dim,), tf.float32), tf.TensorSpec((), tf.int64)))
