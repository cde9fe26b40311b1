"""A shuffle buffer smaller than the data (the usual shuffle(1000)): early batches never see late examples.

breaks: make_pipeline
"""
import tensorflow as tf


def make_pipeline(x, y, batch_size, shuffle_seed=None, drop_remainder=False):
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle_seed is not None:
        ds = ds.shuffle(1000, seed=shuffle_seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)
