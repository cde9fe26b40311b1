"""BinaryF1 averages the F1 of each batch instead of accumulating counts over batches.

breaks: BinaryF1
"""
import keras
import tensorflow as tf


class BinaryF1(keras.metrics.Metric):
    def __init__(self, name="binary_f1", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        t = tf.cast(tf.reshape(y_true, [-1]) > 0.5, "float32")
        p = tf.cast(tf.reshape(y_pred, [-1]) > 0.5, "float32")
        tp, fp, fn = tf.reduce_sum(t * p), tf.reduce_sum((1 - t) * p), tf.reduce_sum(t * (1 - p))
        self.total.assign_add(tf.math.divide_no_nan(2 * tp, 2 * tp + fp + fn))
        self.count.assign_add(1.0)

    def result(self):
        return tf.math.divide_no_nan(self.total, self.count)

    def reset_state(self):
        self.total.assign(0.0)
        self.count.assign(0.0)
