"""A global seed instead of the shuffle's own: tf.random.set_seed(shuffle_seed), then an unseeded shuffle.

Two fresh pipelines still agree (set_seed restarts the op-seed sequence), but the call resets the
program's global random state, so every later random op (weight initialisers, dropout) changes.

breaks: make_pipeline
"""
import tensorflow as tf


def make_pipeline(x, y, batch_size, shuffle_seed=None, drop_remainder=False):
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle_seed is not None:
        tf.random.set_seed(shuffle_seed)
        ds = ds.shuffle(len(x), reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)
