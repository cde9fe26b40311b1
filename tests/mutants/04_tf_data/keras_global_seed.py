"""keras.utils.set_random_seed(shuffle_seed) and the seed also given to shuffle: the order is reproducible,
but the call reseeds Python, NumPy and TensorFlow for the whole program.

breaks: make_pipeline
"""
import keras
import tensorflow as tf


def make_pipeline(x, y, batch_size, shuffle_seed=None, drop_remainder=False):
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle_seed is not None:
        keras.utils.set_random_seed(shuffle_seed)
        ds = ds.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)
