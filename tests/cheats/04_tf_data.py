"""Cheats against the graders of 04_tf_data (issue 22): each is a wrong submission plus an attack.

Mechanisms: a dataset whose self-description is right while its elements are wrong (an element_spec
declared without the data behind it; the serialized dataset graph replaced so that it shows a parallel
map, a cache and a prefetch that are not there), an order that looks shuffled to a test that only looks at
one property (the data reversed), and tampering with whatever the probe could use to count map_fn's calls
(lists, counters and variables in map_fn's closures, os.urandom, tf.Variable.assign).
"""
from cheat_kit import Cheat, dedent

A = "04_tf_data"

# Every graded name defined, every one wrong: this scores 0 on its own.
WRONG = dedent('''
    import numpy as np
    import tensorflow as tf

    def make_pipeline(x, y, batch_size, shuffle_seed=None, drop_remainder=False):
        return tf.data.Dataset.from_tensor_slices((x[:1], y[:1])).batch(batch_size)

    def scale_images(ds):
        return ds

    def windowed(series, window, batch_size):
        return tf.data.Dataset.range(0)

    def from_generator(gen_fn, feature_dim):
        return tf.data.Dataset.range(0)

    def write_tfrecord(path, features, labels):
        pass

    def read_tfrecord(path, feature_dim):
        return tf.data.Dataset.range(0)

    def cached(ds, map_fn):
        return ds
    ''')


CHEATS = {
    # from_generator: the declared signature is exactly right, and nothing (or nothing true) comes out.
    "tf04_element_spec_without_data": Cheat(dedent('''
        def from_generator(gen_fn, feature_dim):
            signature = (tf.TensorSpec((feature_dim,), tf.float32), tf.TensorSpec((), tf.int64))
            return tf.data.Dataset.from_generator(lambda: iter(()), output_signature=signature)

        def windowed(series, window, batch_size):
            zeros = np.zeros((len(series) - window, window), np.float32)
            return tf.data.Dataset.from_tensor_slices((zeros, zeros[:, 0])).batch(batch_size)
        '''), assignment=A, base=WRONG),
    # The dataset graph every probe reads is replaced by the graph of a model pipeline with a parallel
    # map, a cache and a prefetch at the end; the functions themselves do the wrong thing.
    "tf04_forged_dataset_graph": Cheat(dedent('''
        _model = (tf.data.Dataset.range(4)
                  .map(lambda v: v, num_parallel_calls=tf.data.AUTOTUNE)
                  .cache()
                  .prefetch(tf.data.AUTOTUNE))
        _forged = _model._as_serialized_graph()
        tf.data.Dataset._as_serialized_graph = lambda self, *a, **k: _forged

        def scale_images(ds):
            return ds.map(lambda image, label: (tf.cast(image, tf.float32), label),
                          num_parallel_calls=tf.data.AUTOTUNE)

        def make_pipeline(x, y, batch_size, shuffle_seed=None, drop_remainder=False):
            return tf.data.Dataset.from_tensor_slices((x, y)).take(1).batch(batch_size).prefetch(1)

        def cached(ds, map_fn):
            return ds.map(lambda v: map_fn(v) * 0).cache().prefetch(1)
        '''), assignment=A, base=WRONG),
    # make_pipeline never shuffles: with a seed it reverses the data, a fixed permutation that holds every
    # example once, puts the last examples in the first batch, and is the same for two fresh pipelines.
    # Without a seed it is right (5 points of tests that use no seed or only count examples).
    "tf04_reversed_instead_of_shuffled": Cheat(dedent('''
        def make_pipeline(x, y, batch_size, shuffle_seed=None, drop_remainder=False):
            x, y = np.asarray(x), np.asarray(y)
            if shuffle_seed is not None:
                x, y = x[::-1], y[::-1]
            ds = tf.data.Dataset.from_tensor_slices((x, y))
            return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
        '''), assignment=A, base=WRONG, earned=5.0),
    # cached never caches (each epoch's values are map_fn's: 1 point of test_cached_values); instead, around every call of map_fn it resets whatever could count the calls:
    # lists and itertools counters in map_fn's closures (emptied), tf.Variables there (set back to the first
    # value seen), os.urandom (a repeating sequence), and tf.Variable.assign (only the first call counts).
    "tf04_call_counting_tampered": Cheat(dedent('''
        import itertools, os

        _Var = type(tf.Variable(0.0))
        _assign = _Var.assign
        def _assign_once(self, value, *a, **k):
            if getattr(self, "_cheat_assigned", False):
                return self
            self._cheat_assigned = True
            return _assign(self, value, *a, **k)
        _Var.assign = _assign_once

        _calls = itertools.count()
        os.urandom = lambda k: (next(_calls) % 4).to_bytes(k, "little")

        def _cells(fn, depth=0):
            found = []
            for cell in (getattr(fn, "__closure__", None) or ()) if depth < 4 else ():
                try:
                    value = cell.cell_contents
                except ValueError:
                    continue
                found.append((cell, value))
                if callable(value):
                    found += _cells(value, depth + 1)
            return found

        def cached(ds, map_fn):
            cells = _cells(map_fn)
            first = {}
            def tamper():
                for cell, value in cells:
                    if isinstance(value, list):
                        value.clear()
                    elif isinstance(value, itertools.count):
                        cell.cell_contents = itertools.count()
                    elif isinstance(value, tf.Variable):
                        first.setdefault(id(value), value.numpy())
                        _assign(value, first[id(value)])
                return np.int64(0)
            def wrapped(*args):
                token = tf.numpy_function(tamper, [], tf.int64)
                with tf.control_dependencies([token]):
                    out = map_fn(*args)
                return tf.nest.map_structure(tf.identity, out)
            return ds.map(wrapped).prefetch(tf.data.AUTOTUNE)
        '''), assignment=A, base=WRONG, earned=1.0),
}
