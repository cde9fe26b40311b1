"""Off-by-one range: the loop stops one pair early (range(len(series) - window - 1)).

breaks: windowed
"""
import numpy as np
import tensorflow as tf


def windowed(series, window, batch_size):
    series = np.asarray(series, np.float32)
    starts = range(len(series) - window - 1)
    x = np.stack([series[i:i + window] for i in starts])
    y = np.array([series[i + window] for i in starts], np.float32)
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)
