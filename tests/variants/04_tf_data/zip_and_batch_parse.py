"""Another correct 04: datasets zipped from two from_tensor_slices, windows from index
arithmetic (range + gather) instead of Dataset.window, a batch-then-parse reader
(tf.io.parse_example on batches, then unbatch), TFRecords written from bytes lists, and a
cache placed after a parallel map.

covers: make_pipeline, scale_images, windowed, from_generator, write_tfrecord, read_tfrecord, cached
"""
import numpy as np
import tensorflow as tf


def make_pipeline(x, y, batch_size, shuffle_seed=None, drop_remainder=False):
    ds = tf.data.Dataset.zip((tf.data.Dataset.from_tensor_slices(x), tf.data.Dataset.from_tensor_slices(y)))
    if shuffle_seed is not None:
        n = int(ds.cardinality())
        ds = ds.shuffle(buffer_size=n, seed=shuffle_seed)
    return ds.batch(batch_size, drop_remainder).prefetch(buffer_size=tf.data.AUTOTUNE)


def scale_images(ds):
    return ds.map(lambda img, lab: (tf.image.convert_image_dtype(img, tf.float32), lab),
                  num_parallel_calls=tf.data.AUTOTUNE)


def windowed(series, window, batch_size):
    s = tf.constant(np.asarray(series, dtype=np.float32))
    n = int(s.shape[0]) - window
    offsets = tf.range(window, dtype=tf.int64)

    def pair(i):
        return tf.gather(s, i + offsets), s[i + window]

    return tf.data.Dataset.range(max(n, 0)).map(pair).batch(batch_size)


def from_generator(gen_fn, feature_dim):
    return tf.data.Dataset.from_generator(
        lambda: gen_fn(),
        output_signature=(tf.TensorSpec([feature_dim], tf.float32), tf.TensorSpec([], tf.int64)))


def write_tfrecord(path, features, labels):
    writer = tf.io.TFRecordWriter(str(path))
    try:
        for row, label in zip(np.asarray(features, np.float32), np.asarray(labels)):
            feats = {"features": tf.train.Feature(float_list=tf.train.FloatList(value=list(map(float, row)))),
                     "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label)]))}
            writer.write(tf.train.Example(features=tf.train.Features(feature=feats)).SerializeToString())
    finally:
        writer.close()


def read_tfrecord(path, feature_dim):
    spec = {"features": tf.io.FixedLenFeature((feature_dim,), tf.float32),
            "label": tf.io.FixedLenFeature((), tf.int64)}

    def parse_batch(records):
        parsed = tf.io.parse_example(records, spec)
        return parsed["features"], parsed["label"]

    return tf.data.TFRecordDataset([str(path)]).batch(64).map(parse_batch).unbatch()


def cached(ds, map_fn):
    ds = ds.map(map_fn, num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.cache()
    return ds.prefetch(2)
