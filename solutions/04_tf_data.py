"""Reference solution of 04_tf_data.

Generated from source/04_tf_data/04_tf_data.ipynb by `dlcourse build`; do not edit.
"""


import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import time

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

print("TensorFlow", tf.__version__)


x = np.arange(6, dtype=np.float32).reshape(3, 2)   # 3 examples with 2 features each
y = np.array([0, 1, 0])                              # 3 labels (int64)
ds = tf.data.Dataset.from_tensor_slices((x, y))      # a source: one element per row

print("element_spec:", ds.element_spec)
print("cardinality: ", int(ds.cardinality()))
for features, label in ds:                           # iterating runs the pipeline
    print("features", features.numpy(), "label", int(label))

# transformations return new datasets; nothing runs until we iterate
doubled = ds.map(lambda f, l: (2 * f, l)).filter(lambda f, l: l == 0)
print("after map + filter:", [(f.tolist(), int(l)) for f, l in doubled.as_numpy_iterator()])


nums = tf.data.Dataset.range(7)
print([b.tolist() for b in nums.batch(3).as_numpy_iterator()])
print([b.tolist() for b in nums.batch(3, drop_remainder=True).as_numpy_iterator()])
print(nums.batch(3).element_spec, "vs", nums.batch(3, drop_remainder=True).element_spec)

records = tf.data.Dataset.from_tensor_slices({"pixels": np.zeros((4, 2, 2), np.uint8),
                                              "label": np.arange(4)})
print(records.batch(2).element_spec)


def draw_pipeline(ax):
    stages = [("source\n(tensors)", "#cfe2f3"), ("map\n(parallel)", "#d9ead3"),
              ("shuffle\n(buffer)", "#fff2cc"), ("batch", "#f4cccc"),
              ("prefetch\n(queue)", "#d9d2e9"), ("model\n(fit / loop)", "#eeeeee")]
    w, h, gap = 1.6, 1.0, 0.55
    for i, (label, color) in enumerate(stages):
        x0 = i * (w + gap)
        ax.add_patch(plt.Rectangle((x0, 0), w, h, facecolor=color, edgecolor="black"))
        ax.text(x0 + w / 2, h / 2, label, ha="center", va="center", fontsize=9)
        if i:  # an arrow from the previous stage: elements flow to the right
            ax.annotate("", xy=(x0, h / 2), xytext=(x0 - gap, h / 2),
                        arrowprops=dict(arrowstyle="->", lw=1.5))
    # details under the boxes: one example per element until batch, then batches
    notes = ["(x_i, y_i)", "f(x_i), y_i", "random pick\nfrom buffer", "(B, ...) tensors",
             "next batches\nready", "pulls a batch"]
    for i, note in enumerate(notes):
        ax.text(i * (w + gap) + w / 2, -0.35, note, ha="center", va="top", fontsize=8, color="dimgray")
    for k in range(3):  # parallel map workers
        ax.add_patch(plt.Circle((1 * (w + gap) + 0.4 + 0.4 * k, h + 0.25), 0.12, color="green"))
    for k in range(6):  # examples sitting in the shuffle buffer
        ax.add_patch(plt.Rectangle((2 * (w + gap) + 0.15 + 0.22 * k, h + 0.15), 0.16, 0.2, color="goldenrod"))
    for k in range(2):  # batches waiting in the prefetch queue
        ax.add_patch(plt.Rectangle((4 * (w + gap) + 0.4 + 0.45 * k, h + 0.12), 0.35, 0.28, color="slateblue"))
    ax.annotate("", xy=(0.2, -1.05), xytext=(5 * (w + gap) + w - 0.2, -1.05),
                arrowprops=dict(arrowstyle="->", lw=1, color="gray", ls="--"))
    ax.text(2.9 * (w + gap), -1.15, "requests flow backwards: the consumer pulls", ha="center",
            va="top", fontsize=8, color="gray")
    ax.set_xlim(-0.2, 6 * (w + gap)); ax.set_ylim(-1.5, 1.7); ax.axis("off")
    ax.set_title("A tf.data input pipeline: source → map → shuffle → batch → prefetch")


if __name__ == "__main__":
    fig, ax = plt.subplots(figsize=(11, 2.8))
    draw_pipeline(ax)
    plt.show()


def dataset_ops(ds):
    # the dataset ops of a pipeline, from the source to the output
    graph = tf.compat.v1.GraphDef.FromString(ds._as_serialized_graph().numpy())
    return [node.op for node in graph.node if "Dataset" in node.op]


demo = (tf.data.Dataset.from_tensor_slices((np.arange(8.0), np.arange(8)))
        .map(lambda a, b: (a * 2, b), num_parallel_calls=tf.data.AUTOTUNE)
        .shuffle(8, seed=0)
        .batch(4)
        .prefetch(tf.data.AUTOTUNE))
print(" -> ".join(dataset_ops(demo)))
print("outermost:", type(demo).__name__)


data = tf.data.Dataset.range(20)
print("buffer 3 :", [int(v) for v in data.shuffle(3, seed=1)])
print("buffer 20:", [int(v) for v in data.shuffle(20, seed=1)])

good = data.shuffle(20, seed=1).batch(5)     # shuffle, then batch
bad = data.batch(5).shuffle(4, seed=1)       # batch, then shuffle: fixed groups
for epoch in range(2):
    print(f"epoch {epoch}  good:", [b.tolist() for b in good.as_numpy_iterator()][:2],
          "  bad:", [b.tolist() for b in bad.as_numpy_iterator()][:2])


def shuffled_order(n, buffer_size, seed=0):
    """The input index of each output position of range(n).shuffle(buffer_size)."""
    return np.array(list(tf.data.Dataset.range(n).shuffle(buffer_size, seed=seed).as_numpy_iterator()))


if __name__ == "__main__":
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2), sharey=True)
    for ax, buffer_size in zip(axes, (10, 100, 1000)):
        ax.plot(shuffled_order(1000, buffer_size), ".", ms=2)
        ax.set_title(f"shuffle({buffer_size}) of 1000 examples")
        ax.set_xlabel("output position")
    axes[0].set_ylabel("input index")
    plt.tight_layout()
    plt.show()


calls = []

def slow_square(v):            # plain Python / NumPy: runs each time the map calls it
    calls.append(1)
    return v * v


def square(v):
    return tf.numpy_function(slow_square, [v], tf.int64)


numbers = tf.data.Dataset.range(5)
for name, pipeline in [("no cache", numbers.map(square)),
                       ("map then cache", numbers.map(square).cache()),
                       ("cache then map", numbers.cache().map(square))]:
    calls.clear()
    for epoch in range(3):
        out = [int(v) for v in pipeline]
    print(f"{name:15s} values {out}  map calls over 3 epochs: {len(calls)}")


def slow_decode(v):
    time.sleep(0.01)           # simulated I/O: sleeping releases the GIL, like real I/O does
    return v


def decode(v):
    return tf.numpy_function(slow_decode, [v], tf.int64)


def seconds(ds, step_time=0.0, repeats=3):
    """The best of a few epochs' wall times: the least disturbed by other work on the machine."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in ds:
            time.sleep(step_time)  # simulated training step
        best = min(best, time.perf_counter() - start)
    return best


if __name__ == "__main__":
    no_auto_prefetch = tf.data.Options()
    no_auto_prefetch.experimental_optimization.inject_prefetch = False
    source = tf.data.Dataset.range(60)
    timings = {
        "map, sequential": seconds(source.map(decode)),
        "map, parallel (AUTOTUNE)": seconds(source.map(decode, num_parallel_calls=tf.data.AUTOTUNE)),
        "no prefetch, + train step": seconds(source.map(decode).with_options(no_auto_prefetch), step_time=0.01),
        "prefetch, + train step": seconds(source.map(decode).prefetch(tf.data.AUTOTUNE), step_time=0.01),
    }
    for name, s in timings.items():
        print(f"{name:26s} {s:5.2f} s")
    fig, ax = plt.subplots(figsize=(7, 2.2))
    ax.barh(list(timings), list(timings.values()), color=["gray", "green", "gray", "slateblue"])
    for at, what in ((0.6, "one 10 ms sleep per element"), (1.2, "two")):
        ax.axvline(at, color="black", ls=":", lw=1)
        ax.text(at, -0.6, what, ha="center", fontsize=8)
    ax.invert_yaxis(); ax.set_xlabel("seconds for one epoch of 60 elements (best of 3, lower is better)")
    plt.show()


def three_points():
    for i in range(3):
        yield np.full(2, i, dtype=np.float64), i     # float64 features, Python int labels


points = tf.data.Dataset.from_generator(
    three_points,
    output_signature=(tf.TensorSpec(shape=(2,), dtype=tf.float32),
                      tf.TensorSpec(shape=(), dtype=tf.int64)))
print(points.element_spec)
print([(f.tolist(), int(l)) for f, l in points.as_numpy_iterator()])
print("second epoch still has", len(list(points)), "elements")


example = tf.train.Example(features=tf.train.Features(feature={
    "x": tf.train.Feature(float_list=tf.train.FloatList(value=[0.5, 1.5, -2.0])),
    "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[7])),
}))
raw = example.SerializeToString()
print(len(raw), "bytes:", raw[:24], "...")
spec = {"x": tf.io.FixedLenFeature([3], tf.float32), "y": tf.io.FixedLenFeature([], tf.int64)}
parsed = tf.io.parse_single_example(raw, spec)
print({k: v.numpy() for k, v in parsed.items()})


series = np.arange(7, dtype=np.float32)
windows = (tf.data.Dataset.from_tensor_slices(series)
           .window(4, shift=1, drop_remainder=True)        # 3 inputs + 1 target
           .flat_map(lambda w: w.batch(4)))
for w in windows.as_numpy_iterator():
    print(w[:-1], "->", w[-1])


if __name__ == "__main__":
    import warnings

    import keras
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0          # (1797, 8, 8) in [0, 1]
    labels = digits.target.astype(np.int64)
    n_train = 1500
    train = (tf.data.Dataset.from_tensor_slices((images[:n_train], labels[:n_train]))
             .shuffle(n_train, seed=0).batch(64).prefetch(tf.data.AUTOTUNE))
    valid = tf.data.Dataset.from_tensor_slices((images[n_train:], labels[n_train:])).batch(64)

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8, 8)), keras.layers.Flatten(),
                              keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # Keras's own shuffle=True default does not apply to a dataset (shuffling is the
    # pipeline's job); silence the warning that says so
    warnings.filterwarnings("ignore", message=".*shuffle=True.*")
    history = model.fit(train, validation_data=valid, epochs=5, verbose=0)
    print("validation accuracy per epoch:", np.round(history.history["val_accuracy"], 3))


def make_pipeline(x, y, batch_size, shuffle_seed=None, drop_remainder=False):
    """(x_i, y_i) pairs, shuffled when a seed is given, batched, prefetched."""
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle_seed is not None:
        ds = ds.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)


def scale_images(ds):
    """Map uint8 images to float32 in [0, 1] with a parallel map; labels unchanged."""
    def scale(image, label):
        return tf.cast(image, tf.float32) / 255.0, label

    return ds.map(scale, num_parallel_calls=tf.data.AUTOTUNE)


def windowed(series, window, batch_size):
    """Batches of (series[i:i+window], series[i+window]) for every i, in order."""
    ds = tf.data.Dataset.from_tensor_slices(tf.convert_to_tensor(series, tf.float32))
    ds = ds.window(window + 1, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window + 1, drop_remainder=True))
    ds = ds.map(lambda w: (w[:-1], w[-1]))
    return ds.batch(batch_size)


def from_generator(gen_fn, feature_dim):
    """A dataset over gen_fn()'s (features, label) pairs, with an explicit signature."""
    signature = (tf.TensorSpec(shape=(feature_dim,), dtype=tf.float32),
                 tf.TensorSpec(shape=(), dtype=tf.int64))
    return tf.data.Dataset.from_generator(gen_fn, output_signature=signature)


def write_tfrecord(path, features, labels):
    """One tf.train.Example per row: "features" (FloatList of D), "label" (Int64List of 1)."""
    # TODO 1: open a tf.io.TFRecordWriter(path) in a `with` block (it closes and flushes the file).
    # TODO 2: for each row and its label, build a tf.train.Example with the two features.
    # TODO 3: write each Example's SerializeToString() to the file.
    features = np.asarray(features, dtype=np.float32)
    labels = np.asarray(labels, dtype=np.int64)
    with tf.io.TFRecordWriter(path) as writer:
        for row, label in zip(features, labels):
            example = tf.train.Example(features=tf.train.Features(feature={
                "features": tf.train.Feature(float_list=tf.train.FloatList(value=row.tolist())),
                "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label)])),
            }))
            writer.write(example.SerializeToString())


def read_tfrecord(path, feature_dim):
    """Unbatched (float32 (feature_dim,), int64 ()) pairs, in file order."""
    # TODO 1: a parsing spec: one tf.io.FixedLenFeature per key, with its shape and dtype.
    # TODO 2: a function that parses one serialized record and returns (features, label).
    # TODO 3: map it over tf.data.TFRecordDataset(path).
    spec = {"features": tf.io.FixedLenFeature([feature_dim], tf.float32),
            "label": tf.io.FixedLenFeature([], tf.int64)}

    def parse(record):
        parsed = tf.io.parse_single_example(record, spec)
        return parsed["features"], parsed["label"]

    return tf.data.TFRecordDataset(path).map(parse, num_parallel_calls=tf.data.AUTOTUNE)


def cached(ds, map_fn):
    """ds mapped by map_fn, cached in memory after the map, then prefetched."""
    return ds.map(map_fn).cache().prefetch(tf.data.AUTOTUNE)


if __name__ == "__main__":
    import warnings

    import keras
    from sklearn.datasets import load_digits

    with needs("make_pipeline", "scale_images", "cached"):
        digits = load_digits()
        raw_images = (digits.images * 255 / 16).astype(np.uint8)     # pretend they came from PNGs
        labels = digits.target.astype(np.int64)
        # shuffled batches of uint8 images, scaled a whole batch at a time, then prefetched
        train = scale_images(make_pipeline(raw_images[:1500], labels[:1500], 64, shuffle_seed=0))
        train = train.prefetch(tf.data.AUTOTUNE)
        # the validation set never changes: scale it once, cache it
        valid = cached(make_pipeline(raw_images[1500:], labels[1500:], 64),
                       lambda image, label: (tf.cast(image, tf.float32) / 255.0, label))

        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((8, 8)), keras.layers.Flatten(),
                                  keras.layers.Dense(32, activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        warnings.filterwarnings("ignore", message=".*shuffle=True.*")   # as in section 7
        model.fit(train, validation_data=valid, epochs=15, verbose=0)
        print("validation accuracy:", round(model.evaluate(valid, verbose=0)[1], 3))
