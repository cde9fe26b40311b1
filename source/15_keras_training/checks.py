"""Visible checks of 15_keras_training: small fixed examples you can read.

The hidden tests check the same contracts more thoroughly, on fresh random inputs.
"""
import math
import os
import tempfile

import numpy as np

from dlcourse.visible import Checks

checks = Checks()


def _tiny_model(lr=0.1):
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax", kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5], [0.5, -1.0], [-0.5, -0.5]], dtype="float32")
Y = np.array([0, 1, 1, 0, 0, 1])


@checks.of("HistoryRecorder")
def _(HistoryRecorder):
    recorder = HistoryRecorder()
    model = _tiny_model()
    history = model.fit(X, Y, validation_data=(X[:3], Y[:3]), epochs=3, batch_size=2, shuffle=False,
                        verbose=0, callbacks=[recorder]).history
    recorded = recorder.history
    checks.expect(isinstance(recorded, dict), f"HistoryRecorder().history should be a dict, not a {type(recorded).__name__}")
    checks.expect(sorted(recorded) == sorted(history),
                  f"after fit with validation data, history keys should be {sorted(history)}; got {sorted(recorded)}")
    for key, values in history.items():
        checks.expect(len(recorded[key]) == 3, f"history['{key}'] should hold 3 values (one per epoch), it has {len(recorded[key])}")
        checks.expect(np.allclose(recorded[key], values),
                      f"history['{key}'] is {np.round(recorded[key], 4).tolist()}, fit's History says {np.round(values, 4).tolist()}")


def _stops_at(StopAtThreshold, monitor, threshold, logs):
    import keras

    callback = StopAtThreshold(monitor, threshold)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    callback.set_model(model)
    model.stop_training = False
    for epoch, row in enumerate(logs):
        callback.on_epoch_end(epoch, row)
        if model.stop_training:
            return epoch
    return None


@checks.of("StopAtThreshold")
def _(StopAtThreshold):
    logs = [{"loss": 0.9, "val_loss": 0.8, "accuracy": 0.5},
            {"loss": 0.5, "val_loss": 0.6, "accuracy": 0.7},
            {"loss": 0.3, "val_loss": 0.4, "accuracy": 0.9}]
    got = _stops_at(StopAtThreshold, "loss", 0.5, logs)
    checks.expect(got == 1, f"StopAtThreshold('loss', 0.5) on losses 0.9, 0.5, 0.3 should stop at epoch 1 "
                            f"(0.5 <= 0.5), it stopped at {got}")
    got = _stops_at(StopAtThreshold, "val_loss", 0.45, logs)
    checks.expect(got == 2, f"StopAtThreshold('val_loss', 0.45) on val_loss 0.8, 0.6, 0.4 should stop at epoch 2, "
                            f"it stopped at {got}")
    got = _stops_at(StopAtThreshold, "accuracy", 0.7, logs)
    checks.expect(got == 1, f"StopAtThreshold('accuracy', 0.7) on accuracies 0.5, 0.7, 0.9 should stop at epoch 1 "
                            f"(0.7 >= 0.7: not a loss, so higher is better), it stopped at {got}")
    got = _stops_at(StopAtThreshold, "val_accuracy", 0.0, logs)
    checks.expect(got is None, f"StopAtThreshold('val_accuracy', 0.0) with no 'val_accuracy' in the logs should do "
                               f"nothing, but it stopped at epoch {got}")


@checks.of("warmup_cosine")
def _(warmup_cosine):
    got = [warmup_cosine(e, 0.123, 2, 6, 0.1) for e in range(8)]
    checks.expect(all(isinstance(v, (float, np.floating)) for v in got), "warmup_cosine should return floats")
    want = [0.0, 0.05, 0.1, 0.085355, 0.05, 0.014645, 0.0, 0.0]
    checks.expect(np.allclose(got, want, atol=1e-6),
                  f"warmup_cosine(e, lr, warmup=2, total=6, base_lr=0.1) for e = 0..7 should be {want}, "
                  f"got {np.round(got, 6).tolist()}")


@checks.of("best_checkpoint")
def _(best_checkpoint):
    import keras

    path = os.path.join(tempfile.mkdtemp(), "best.keras")
    callback = best_checkpoint(path)
    checks.expect(isinstance(callback, keras.callbacks.ModelCheckpoint),
                  f"best_checkpoint should return a keras.callbacks.ModelCheckpoint, not a {type(callback).__name__}")
    checks.expect(callback.monitor == "val_loss", f"it should monitor 'val_loss', not {callback.monitor!r}")
    checks.expect(callback.save_best_only, "it should save only when val_loss improves (save_best_only=True)")
    checks.expect(not callback.save_weights_only, "it should save the whole model, not only the weights")
    model = _tiny_model()
    model.fit(X, Y, validation_data=(X, Y), epochs=2, verbose=0, callbacks=[callback])
    checks.expect(os.path.isfile(path), "after fit, the checkpoint file should exist at the given path")
    checks.expect(isinstance(keras.saving.load_model(path), keras.Model), "the checkpoint should load as a keras.Model")


@checks.of("NpyBatches")
def _(NpyBatches):
    import tracemalloc

    import keras

    folder = tempfile.mkdtemp()
    x = np.arange(20, dtype="float32").reshape(10, 2)
    np.save(os.path.join(folder, "x.npy"), x)
    np.save(os.path.join(folder, "y.npy"), np.arange(10))
    ds = NpyBatches(os.path.join(folder, "x.npy"), os.path.join(folder, "y.npy"), 4, workers=2)
    checks.expect(isinstance(ds, keras.utils.PyDataset), "NpyBatches should subclass keras.utils.PyDataset")
    checks.expect(ds.workers == 2, "NpyBatches(..., workers=2).workers should be 2: pass **kwargs to super().__init__")
    checks.expect(len(ds) == 3, f"10 rows in batches of 4 make 3 batches (the last of 2 rows), len gave {len(ds)}")
    xb, yb = ds[2]
    checks.expect(np.array_equal(np.asarray(xb), x[8:]) and np.array_equal(np.asarray(yb), [8, 9]),
                  f"ds[2] should be rows 8 and 9: x {x[8:].tolist()}, y [8, 9]; got {np.asarray(xb).tolist()}, {np.asarray(yb).tolist()}")
    big = np.zeros((2048, 256), dtype="float32")   # 2 MB
    np.save(os.path.join(folder, "bx.npy"), big)
    np.save(os.path.join(folder, "by.npy"), np.zeros(2048))
    del big
    tracemalloc.start()
    ds = NpyBatches(os.path.join(folder, "bx.npy"), os.path.join(folder, "by.npy"), 16)
    ds[0]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    checks.expect(peak < 0.1 * 2048 * 256 * 4,
                  f"opening a 2 MB file and reading one batch allocated {peak / 2**20:.2f} MB: use np.load(path, mmap_mode='r')")


@checks.of("transfer_model")
def _(transfer_model):
    import keras

    base = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3), keras.layers.BatchNormalization()],
                            name="check_base")
    model = transfer_model(base, 3)
    checks.expect(isinstance(model, keras.Model), "transfer_model should return a keras.Model")
    checks.expect(base.trainable is False, "transfer_model should set base.trainable = False")
    shapes = sorted(tuple(w.shape) for w in model.trainable_weights)
    checks.expect(shapes == [(3,), (4, 3)],
                  f"only the head should be trainable: a kernel (4, 3) after pooling 4 channels, and a bias (3,); "
                  f"the trainable weights have shapes {shapes}")
    calls = [node.arguments.kwargs.get("training", "not given") for node in base._inbound_nodes]
    checks.expect(calls == [False], f"the base should be called once, as base(inputs, training=False); "
                                    f"its recorded calls have training = {calls}")
    out = np.asarray(model(np.ones((2, 8, 8, 1), dtype="float32")))
    checks.expect(out.shape == (2, 3) and np.allclose(out.sum(axis=1), 1.0, atol=1e-5),
                  f"the output should be (batch, num_classes) softmax probabilities; got shape {out.shape}")


@checks.of("fit_distributed")
def _(fit_distributed):
    import keras
    import tensorflow as tf

    n_cpus = len(tf.config.list_logical_devices("CPU"))
    checks.expect(n_cpus >= 2, f"TensorFlow sees {n_cpus} logical CPU device(s), not 2: restart the kernel and run "
                               "the notebook's first code cell before anything else")
    seen = {}

    def build_fn():
        seen["replicas"] = tf.distribute.get_strategy().num_replicas_in_sync
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        return model

    model = fit_distributed(build_fn, X, X.sum(axis=1), 2)
    checks.expect(seen.get("replicas") == 2, f"build_fn should run inside a 2-replica MirroredStrategy scope; inside it "
                                             f"saw {seen.get('replicas')} replica(s)")
    checks.expect(model.distribute_strategy.num_replicas_in_sync == 2,
                  "the returned model should have model.distribute_strategy.num_replicas_in_sync == 2")
    checks.expect(len(model.history.history.get("loss", [])) == 2, "the model should have been trained for 2 epochs")


check = checks.check
needs = checks.needs
