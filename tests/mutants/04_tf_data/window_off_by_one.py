"""Off-by-one windows: the target is the window's own last value, and the window is one value short of it.

breaks: windowed
"""
import tensorflow as tf


def windowed(series, window, batch_size):
    ds = tf.data.Dataset.from_tensor_slices(tf.convert_to_tensor(series, tf.float32))
    ds = ds.window(window, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window, drop_remainder=True))
    ds = ds.map(lambda w: (w, w[-1]))
    return ds.batch(batch_size)
