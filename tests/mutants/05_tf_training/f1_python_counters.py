"""BinaryF1 keeps its counts in Python numbers computed with NumPy: works eagerly, not inside
model.evaluate (a tf.function).

breaks: BinaryF1
"""
import keras
import numpy as np


class BinaryF1(keras.metrics.Metric):
    def __init__(self, name="binary_f1", **kwargs):
        super().__init__(name=name, **kwargs)
        self.tp = self.fp = self.fn = 0.0

    def update_state(self, y_true, y_pred, sample_weight=None):
        t = np.asarray(y_true).ravel() > 0.5
        p = np.asarray(y_pred).ravel() > 0.5
        self.tp += float(np.sum(t & p))
        self.fp += float(np.sum(~t & p))
        self.fn += float(np.sum(t & ~p))

    def result(self):
        d = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / d if d else 0.0

    def reset_state(self):
        self.tp = self.fp = self.fn = 0.0
