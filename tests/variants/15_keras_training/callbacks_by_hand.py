"""Another correct 15: HistoryRecorder filling a defaultdict(list), StopAtThreshold comparing
through operator.le/ge chosen at construction, warmup_cosine written with math in one
expression per branch, best_checkpoint with keyword arguments, NpyBatches computing its
length with integer arithmetic and slicing by start/stop, transfer_model through keras.Sequential
pieces in the functional API.

covers: HistoryRecorder, StopAtThreshold, warmup_cosine, best_checkpoint, NpyBatches, transfer_model
"""
import math
import operator
from collections import defaultdict

import keras
import numpy as np


class HistoryRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.history = defaultdict(list)

    def on_epoch_end(self, epoch, logs=None):
        for name in sorted(logs or {}):
            self.history[name].append(float(logs[name]))


class StopAtThreshold(keras.callbacks.Callback):
    def __init__(self, monitor, threshold):
        super().__init__()
        self.monitor, self.threshold = monitor, threshold
        self._crossed = operator.le if monitor.endswith("loss") else operator.ge

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor in logs and self._crossed(float(logs[self.monitor]), float(self.threshold)):
            self.model.stop_training = True


def warmup_cosine(epoch, lr, warmup, total, base_lr):
    if epoch < warmup:
        return float(base_lr) * epoch / warmup
    span = total - warmup
    progress = min(epoch - warmup, span) / span
    return float(0.5 * base_lr * (1.0 + math.cos(math.pi * progress)))


def best_checkpoint(path):
    return keras.callbacks.ModelCheckpoint(filepath=path, monitor="val_loss", save_best_only=True, mode="min",
                                           save_weights_only=False)


class NpyBatches(keras.utils.PyDataset):
    def __init__(self, x_path, y_path, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.batch_size = batch_size
        self.x = np.load(x_path, mmap_mode="r")
        self.y = np.load(y_path, mmap_mode="r")

    def __len__(self):
        return -(-self.x.shape[0] // self.batch_size)

    def __getitem__(self, i):
        start = i * self.batch_size
        stop = min(start + self.batch_size, self.x.shape[0])
        return np.array(self.x[start:stop]), np.array(self.y[start:stop])


def transfer_model(base, num_classes):
    base.trainable = False
    x_in = keras.Input(base.input_shape[1:])
    h = base(x_in, training=False)
    if len(h.shape) == 4:
        h = keras.layers.GlobalAveragePooling2D()(h)
    return keras.Model(inputs=x_in, outputs=keras.layers.Dense(num_classes, activation="softmax")(h))
