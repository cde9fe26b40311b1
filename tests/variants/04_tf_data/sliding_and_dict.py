"""Another correct 04: a pipeline that shuffles indices and gathers, scaling by a multiply,
windows from Dataset.window's sliding batches then split with a second map, a reader with
tf.io.parse_single_example returning a tuple from a named function.

covers: make_pipeline, scale_images, windowed, read_tfrecord
"""
import tensorflow as tf


def make_pipeline(x, y, batch_size, shuffle_seed=None, drop_remainder=False):
    x = tf.convert_to_tensor(x)
    y = tf.convert_to_tensor(y)
    n = int(x.shape[0])
    ds = tf.data.Dataset.range(n)
    if shuffle_seed is not None:
        ds = ds.shuffle(n, seed=shuffle_seed, reshuffle_each_iteration=True)
    ds = ds.map(lambda i: (tf.gather(x, i), tf.gather(y, i)))
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)


def scale_images(ds):
    def to_unit(image, label):
        return tf.cast(image, tf.float32) * (1.0 / 255.0), label
    return ds.map(to_unit, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)


def windowed(series, window, batch_size):
    ds = tf.data.Dataset.from_tensor_slices(tf.cast(series, tf.float32))
    ds = ds.window(size=window + 1, shift=1, stride=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window + 1))
    ds = ds.map(lambda w: (tf.slice(w, [0], [window]), w[window]))
    return ds.batch(batch_size)


def read_tfrecord(path, feature_dim):
    def parse(serialized):
        ex = tf.io.parse_single_example(serialized, {
            "label": tf.io.FixedLenFeature([], tf.int64, default_value=0),
            "features": tf.io.FixedLenFeature([feature_dim], tf.float32),
        })
        return (ex["features"], ex["label"])
    return tf.data.TFRecordDataset(path).map(parse)
