"""Batching before shuffling: whole batches are shuffled, so each batch is a fixed group of consecutive examples.

breaks: make_pipeline
"""
import tensorflow as tf


def make_pipeline(x, y, batch_size, shuffle_seed=None, drop_remainder=False):
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if shuffle_seed is not None:
        ds = ds.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    return ds.prefetch(tf.data.AUTOTUNE)
