"""Reference solution of 15_keras_training.

Generated from source/15_keras_training/15_keras_training.ipynb by `dlcourse build`; do not edit.
"""


import math
import os
import tempfile
import warnings

import numpy as np
import tensorflow as tf

# Two logical CPU devices for MirroredStrategy (section 8). This must happen before the first
# TensorFlow operation. The grading process has already made them: then there is nothing to do.
_cpu = tf.config.list_physical_devices("CPU")[0]
if len(tf.config.get_logical_device_configuration(_cpu) or []) < 2:
    try:
        tf.config.set_logical_device_configuration(_cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    except RuntimeError:  # TensorFlow has already run an operation in this kernel
        print("TensorFlow is already initialised: restart the kernel and run this cell first "
              "to get two logical CPU devices")

import keras

if __name__ == "__main__":  # plots and data are for reading the notebook, not for grading
    import matplotlib.pyplot as plt
    print("TensorFlow", tf.__version__, "| Keras", keras.__version__, "| backend:", keras.backend.backend())
    print("logical CPU devices:", [d.name for d in tf.config.list_logical_devices("CPU")])


def digits_split():
    # The course-wide digits split, with a validation split carved out of its training part:
    # (x_train, y_train), (x_val, y_val), (x_test, y_test); images (N, 8, 8, 1) in [0, 1].
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    train_idx, test_idx = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)
    fit_idx, val_idx = train_test_split(train_idx, test_size=0.2, stratify=y[train_idx], random_state=0)
    images = (X / 16.0).astype("float32").reshape(-1, 8, 8, 1)
    return [(images[idx], y[idx]) for idx in (fit_idx, val_idx, test_idx)]


def small_mlp(seed=0, lr=1e-3):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


if __name__ == "__main__":
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = digits_split()
    print("train", x_train.shape, "validation", x_val.shape, "test", x_test.shape,
          "| pixel range", x_train.min(), x_train.max())


import time


class EpochTimer(keras.callbacks.Callback):
    # Prints how long each epoch took and the logs fit hands to on_epoch_end.

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        took = time.perf_counter() - self._start
        shown = {k: round(v, 3) for k, v in (logs or {}).items()}
        print(f"epoch {epoch}: {took:.2f} s, logs = {shown}")


if __name__ == "__main__":
    model = small_mlp()
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=3, batch_size=64,
                        verbose=0, callbacks=[EpochTimer()])
    print("fit's History:", {k: np.round(v, 3).tolist() for k, v in history.history.items()})


if __name__ == "__main__":
    logdir = tempfile.mkdtemp(prefix="tb15-")
    model = small_mlp(lr=3e-2)
    history = model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=40, batch_size=32, verbose=0,
        callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=4, restore_best_weights=True),
                   keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2),
                   keras.callbacks.TensorBoard(log_dir=logdir)])
    h = history.history
    best = int(np.argmin(h["val_loss"]))
    print(f"stopped after {len(h['loss'])} epochs; best val_loss {h['val_loss'][best]:.3f} at epoch {best}")
    print(f"the restored model, evaluated once on the test split: accuracy {model.evaluate(x_test, y_test, verbose=0)[1]:.3f}")

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3))
    ax1.plot(h["loss"], label="training loss")
    ax1.plot(h["val_loss"], label="validation loss")
    ax1.axvline(best, ls=":", c="k", label="best epoch (restored)")
    ax1.set_xlabel("epoch"); ax1.legend(); ax1.set_title("EarlyStopping")
    ax2.plot(h["learning_rate"], marker="o"); ax2.set_xlabel("epoch"); ax2.set_title("ReduceLROnPlateau: learning rate")
    fig.tight_layout()
    plt.show()


def tensorboard_smooth(values, weight=0.6):
    # TensorBoard's smoothing: an exponential moving average, debiased at the start.
    out, last = [], 0.0
    for i, v in enumerate(values):
        last = last * weight + (1 - weight) * v
        out.append(last / (1 - weight ** (i + 1)))
    return out


def draw_tensorboard_scalars(logdir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    runs = {}
    for run in ("train", "validation"):
        acc = EventAccumulator(os.path.join(logdir, run), size_guidance={"tensors": 0}).Reload()   # 0: keep every value
        runs[run] = {tag: [(e.step, float(tf.make_ndarray(e.tensor_proto))) for e in acc.Tensors(tag)]
                     for tag in acc.Tags()["tensors"] if tag.startswith("epoch_")}
    print({run: sorted(tags) for run, tags in runs.items()})
    tags = ["epoch_loss", "epoch_accuracy", "epoch_learning_rate"]
    colours = {"train": "#e8710a", "validation": "#1a73e8"}
    fig, axes = plt.subplots(1, 3, figsize=(12, 3))
    for ax, tag in zip(axes, tags):
        for run, series in runs.items():
            if tag in series:
                steps, values = zip(*series[tag])
                ax.plot(steps, values, color=colours[run], alpha=0.3, lw=1)
                ax.plot(steps, tensorboard_smooth(values), color=colours[run], lw=2, label=run)
        ax.set_title(tag, fontsize=10, loc="left"); ax.set_xlabel("step (here: epoch)"); ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("TensorBoard › Scalars (smoothing 0.6)", x=0.01, ha="left", fontsize=10, color="0.3")
    fig.tight_layout()


if __name__ == "__main__":
    draw_tensorboard_scalars(logdir)
    plt.show()


class HistoryRecorder(keras.callbacks.Callback):
    """Records the epoch-end logs of fit: {metric name: [one float per epoch]}."""

    def __init__(self):
        super().__init__()
        # TODO 1: give this instance its own, empty history dict.
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        # TODO 2: append each value of `logs` to the list of its name, as a Python float.
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))


class StopAtThreshold(keras.callbacks.Callback):
    """Stops training at the end of the first epoch whose `monitor` reaches `threshold`."""

    def __init__(self, monitor, threshold):
        super().__init__()
        # TODO 1: keep the monitor's name and the threshold.
        self.monitor = monitor
        self.threshold = float(threshold)

    def on_epoch_end(self, epoch, logs=None):
        # TODO 2: read the monitored value from `logs`; if it is missing, do nothing.
        # TODO 3: decide whether it crossed: `<=` for a name ending in "loss", `>=` otherwise.
        # TODO 4: if it crossed, ask fit to stop after this epoch (self.model.stop_training).
        value = (logs or {}).get(self.monitor)
        if value is None:
            return
        if self.monitor.endswith("loss"):
            crossed = float(value) <= self.threshold
        else:
            crossed = float(value) >= self.threshold
        if crossed:
            self.model.stop_training = True


def step_decay(epoch, lr, base_lr=0.01, every=3):
    return float(base_lr * 0.5 ** (epoch // every))          # ignores lr: depends on the epoch alone


print("step decay, epochs 0..7:", [step_decay(e, None) for e in range(8)])
cosine = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=8, warmup_target=0.01, warmup_steps=2)
print("CosineDecay with warm-up, steps 0..10:", [round(float(cosine(s)), 5) for s in range(11)])

if __name__ == "__main__":
    model = small_mlp()
    rates = []
    h = model.fit(x_train, y_train, epochs=6, batch_size=64, verbose=0,
                  callbacks=[keras.callbacks.LearningRateScheduler(step_decay),
                             keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: rates.append(
                                 float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))))])
    print("the optimizer's rate during fit:", rates)


def warmup_cosine(epoch, lr, warmup, total, base_lr):
    """Linear warm-up over `warmup` epochs, then half-cosine decay to 0 at `total`; `lr` is ignored."""
    if epoch < warmup:
        return float(base_lr * epoch / warmup)
    progress = min(epoch - warmup, total - warmup) / (total - warmup)
    return float(base_lr * 0.5 * (1.0 + math.cos(math.pi * progress)))


if __name__ == "__main__":
    warmup, total, base_lr = 3, 12, 0.05
    keras_schedule = keras.optimizers.schedules.CosineDecay(0.0, total - warmup, warmup_target=base_lr,
                                                            warmup_steps=warmup)
    epochs = np.arange(total + 3)
    theirs = [float(keras_schedule(int(e))) for e in epochs]
    with needs("warmup_cosine"):
        ours = [warmup_cosine(int(e), None, warmup, total, base_lr) for e in epochs]
        print("largest difference to CosineDecay:", max(abs(a - b) for a, b in zip(ours, theirs)))

        model = small_mlp()
        scheduler = keras.callbacks.LearningRateScheduler(lambda e, lr: warmup_cosine(e, lr, warmup, total, base_lr))
        h = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=total, batch_size=64, verbose=0,
                      callbacks=[scheduler]).history
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3))
        ax1.plot(epochs, theirs, "o-", label="CosineDecay(warmup_target=...)")
        ax1.plot(epochs, ours, "x--", label="warmup_cosine")
        ax1.set_xlabel("epoch"); ax1.set_ylabel("learning rate"); ax1.legend()
        ax2.plot(h["loss"], label="training loss"); ax2.plot(h["val_loss"], label="validation loss")
        ax2.set_xlabel("epoch"); ax2.legend()
        fig.tight_layout()
        plt.show()


if __name__ == "__main__":
    folder = tempfile.mkdtemp(prefix="ckpt15-")
    every_epoch = keras.callbacks.ModelCheckpoint(os.path.join(folder, "epoch{epoch:02d}.weights.h5"),
                                                  save_weights_only=True)     # no monitor: every epoch
    model = small_mlp()
    model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=3, batch_size=64, verbose=0,
              callbacks=[every_epoch])
    print("files written:", sorted(os.listdir(folder)))
    twin = small_mlp(seed=1)
    twin.load_weights(os.path.join(folder, "epoch02.weights.h5"))
    print("epoch 2's validation accuracy, reloaded:", round(twin.evaluate(x_val, y_val, verbose=0)[1], 3))


def best_checkpoint(path):
    """A ModelCheckpoint saving the whole model to `path` each time val_loss reaches a new minimum."""
    return keras.callbacks.ModelCheckpoint(path, monitor="val_loss", mode="min", save_best_only=True)


if __name__ == "__main__":
    import zipfile

    model = small_mlp()
    model.fit(x_train, y_train, epochs=2, batch_size=64, verbose=0)
    folder = tempfile.mkdtemp(prefix="deploy15-")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)     # a harmless NumPy notice while saving
        model.save(os.path.join(folder, "digits.keras"))
    print("inside digits.keras:", zipfile.ZipFile(os.path.join(folder, "digits.keras")).namelist())
    restored = keras.saving.load_model(os.path.join(folder, "digits.keras"))
    print("same predictions after load:", np.allclose(model.predict(x_val[:5], verbose=0),
                                                        restored.predict(x_val[:5], verbose=0)))

    model.save_weights(os.path.join(folder, "digits.weights.h5"))
    twin = small_mlp(seed=1)                     # same architecture, other initial weights
    twin.load_weights(os.path.join(folder, "digits.weights.h5"))
    print("weights-only round trip:", np.allclose(model(x_val[:5]), twin(x_val[:5])))

    model.export(os.path.join(folder, "digits_savedmodel"), verbose=False)
    served = tf.saved_model.load(os.path.join(folder, "digits_savedmodel"))
    print("SavedModel endpoint 'serve' matches:", np.allclose(served.serve(x_val[:5]), model(x_val[:5]), atol=1e-6))


@keras.saving.register_keras_serializable(package="course15")
class Scale(keras.layers.Layer):
    # y = x * gamma, one learned factor per feature.

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gamma")

    def call(self, inputs):
        return inputs * self.gamma


if __name__ == "__main__":
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), Scale(),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    path = os.path.join(tempfile.mkdtemp(), "scaled.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=2, verbose=0,
                  callbacks=[keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True)])
    print("loaded layers:", [type(layer).__name__ for layer in keras.saving.load_model(path).layers])


def digits_cnn_base(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(16, 3, padding="same"), keras.layers.BatchNormalization(momentum=0.9), keras.layers.ReLU(),
        keras.layers.Conv2D(32, 3, padding="same"), keras.layers.BatchNormalization(momentum=0.9), keras.layers.ReLU(),
    ], name="digits_base")


toy_base = digits_cnn_base()
toy_base.trainable = False
toy_inputs = keras.Input((8, 8, 1))
toy_features = toy_base(toy_inputs, training=False)
toy = keras.Model(toy_inputs, keras.layers.Dense(3)(keras.layers.GlobalAveragePooling2D()(toy_features)))
print("call arguments recorded for the base:", toy_base._inbound_nodes[0].arguments.kwargs)
print("the same, from the public config:",
      [layer["inbound_nodes"][0]["kwargs"] for layer in toy.get_config()["layers"] if layer["name"] == "digits_base"])
print("trainable weights:", [w.path for w in toy.trainable_weights])
print("non-trainable weights in the base:", len(toy_base.non_trainable_weights))


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    x_bn = (3 * rng.standard_normal((64, 4)) + 2).astype("float32")
    y_bn = np.arange(64) % 2
    for unfreeze, keep_bn_frozen in ((False, False), (True, False), (True, True)):
        keras.utils.set_random_seed(0)
        bn_base = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4), keras.layers.BatchNormalization()])
        bn_inputs = keras.Input((4,))
        bn_model = keras.Model(bn_inputs, keras.layers.Dense(2, activation="softmax")(bn_base(bn_inputs, training=False)))
        bn_base.trainable = unfreeze
        if keep_bn_frozen:
            bn_base.layers[-1].trainable = False
        bn_model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        before = np.array(bn_base.layers[-1].moving_mean)
        bn_model.fit(x_bn, y_bn, epochs=1, batch_size=64, verbose=0)
        moved = not np.allclose(before, np.array(bn_base.layers[-1].moving_mean))
        print(f"base.trainable={unfreeze!s:5}  BatchNorm kept frozen={keep_bn_frozen!s:5}  ->  "
              f"moving mean changed during fit: {moved}")


def transfer_model(base, num_classes):
    """A frozen `base`, called in inference mode on a new Input, under a new softmax head."""
    base.trainable = False
    inputs = keras.Input(shape=base.input_shape[1:])
    features = base(inputs, training=False)
    if len(features.shape) == 4:
        features = keras.layers.GlobalAveragePooling2D()(features)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(features)
    return keras.Model(inputs, outputs)


if __name__ == "__main__":
    low_tr, low_val, low_te = y_train < 5, y_val < 5, y_test < 5
    base = digits_cnn_base()
    pre = keras.Sequential([base, keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(5, activation="softmax")])
    pre.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    pre.fit(x_train[low_tr], y_train[low_tr], epochs=8, batch_size=32, verbose=0)
    print("pre-training, digits 0-4, validation accuracy:",
          round(pre.evaluate(x_val[low_val], y_val[low_val], verbose=0)[1], 3))

    with needs("transfer_model"):
        base_before = [np.array(w) for w in base.weights]          # kernels, biases and BatchNorm statistics
        model = transfer_model(base, 5)
        model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        h = model.fit(x_train[~low_tr], y_train[~low_tr] - 5, epochs=10, batch_size=32, verbose=0,
                      validation_data=(x_val[~low_val], y_val[~low_val] - 5)).history
        print("feature extraction, digits 5-9, validation accuracy:", round(h["val_accuracy"][-1], 3),
              "| base weights and BatchNorm statistics unchanged:",
              all(np.array_equal(a, np.array(b)) for a, b in zip(base_before, base.weights)))

        base.trainable = True                       # fine-tuning: unfreeze ...
        for layer in base.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.trainable = False             # ... but keep BatchNorm frozen, in inference mode
        model.compile(optimizer=keras.optimizers.Adam(1e-4), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        h2 = model.fit(x_train[~low_tr], y_train[~low_tr] - 5, epochs=5, batch_size=32, verbose=0,
                       validation_data=(x_val[~low_val], y_val[~low_val] - 5)).history
        print("after fine-tuning, validation accuracy:", round(h2["val_accuracy"][-1], 3))
        print("the finished model, evaluated once on the test split (digits 5-9): accuracy",
              round(model.evaluate(x_test[~low_te], y_test[~low_te] - 5, verbose=0)[1], 3))
        plt.figure(figsize=(6, 3))
        plt.plot(range(1, 16), h["val_accuracy"] + h2["val_accuracy"], marker="o")
        plt.axvline(10.5, ls=":", c="k")
        plt.text(5.5, 0.5, "feature extraction\n(base frozen)", ha="center", fontsize=9)
        plt.text(13, 0.5, "fine-tuning\n(BatchNorm frozen)", ha="center", fontsize=9)
        plt.ylim(0, 1.02); plt.xlabel("epoch"); plt.ylabel("validation accuracy, digits 5-9")
        plt.tight_layout()
        plt.show()


if __name__ == "__main__":
    import tracemalloc

    folder = tempfile.mkdtemp(prefix="large15-")
    big_path = os.path.join(folder, "big.npy")
    np.save(big_path, np.random.default_rng(0).standard_normal((4096, 1024), dtype=np.float32))
    for mode in (None, "r"):
        tracemalloc.start()
        arr = np.load(big_path, mmap_mode=mode)
        batch = np.array(arr[100:164])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"mmap_mode={mode!r:5}: {type(arr).__name__:8} peak {peak / 2**20:6.2f} MB for one batch of {batch.nbytes / 2**10:.0f} KB")
        del arr

    def rows(path):                              # a generator streaming rows of the memory-mapped file
        arr = np.load(path, mmap_mode="r")
        for i in range(len(arr)):
            yield arr[i]

    ds = tf.data.Dataset.from_generator(lambda: rows(big_path),
                                        output_signature=tf.TensorSpec((1024,), tf.float32)).batch(256)
    print("tf.data from a generator:", next(iter(ds)).shape)


class NpyBatches(keras.utils.PyDataset):
    """Batches (x, y) read from memory-mapped .npy files, in order; the last batch may be partial."""

    def __init__(self, x_path, y_path, batch_size, **kwargs):
        # TODO 1: pass **kwargs on to PyDataset's constructor (workers=, use_multiprocessing=, ...).
        # TODO 2: open both files memory-mapped (np.load(..., mmap_mode="r")) and keep the batch size.
        super().__init__(**kwargs)
        self.x = np.load(x_path, mmap_mode="r")
        self.y = np.load(y_path, mmap_mode="r")
        self.batch_size = int(batch_size)

    def __len__(self):
        # TODO 3: the number of batches, the last one possibly partial.
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        # TODO 4: batch `index` as an (x, y) pair of arrays: only those rows, in file order.
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return np.asarray(self.x[rows]), np.asarray(self.y[rows])


if __name__ == "__main__":
    folder = tempfile.mkdtemp(prefix="npy15-")
    np.save(os.path.join(folder, "x.npy"), x_train)
    np.save(os.path.join(folder, "y.npy"), y_train)
    with needs("NpyBatches"):
        stream = NpyBatches(os.path.join(folder, "x.npy"), os.path.join(folder, "y.npy"), 64, workers=2)
        print(len(stream), "batches; the last holds", len(stream[len(stream) - 1][0]), "images")
        model = small_mlp()
        model.fit(stream, epochs=5, verbose=0)
        print("trained from memory-mapped files, validation accuracy:",
              round(model.evaluate(x_val, y_val, verbose=0)[1], 3))


if __name__ == "__main__":
    # ReductionToOneDevice: see the note below on two strategies in one process (tensorflow/tensorflow#62790)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"],
                                              cross_device_ops=tf.distribute.ReductionToOneDevice())
    print("replicas in sync:", strategy.num_replicas_in_sync)
    with strategy.scope():
        model = small_mlp()
    print("a weight is a", type(model.weights[0].value).__name__, "with copies on",
          [v.device.split("/")[-1] for v in model.weights[0].value.values])
    model.fit(x_train, y_train, epochs=3, batch_size=64, verbose=0)   # each step: 32 images per replica
    print("validation accuracy after mirrored training:", round(model.evaluate(x_val, y_val, verbose=0)[1], 3))

    per_replica = strategy.run(lambda: tf.distribute.get_replica_context().replica_id_in_sync_group)
    print("what each replica computed:", strategy.experimental_local_results(per_replica))


def fit_distributed(build_fn, x, y, epochs):
    """Build the model inside a two-replica MirroredStrategy scope, train it, return it."""
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = build_fn()
    model.fit(x, y, epochs=epochs, verbose=0)
    return model
