"""BinaryF1 counts y_pred >= 0.5 as positive (Keras's metrics use y_pred > 0.5).

breaks: BinaryF1
"""
import keras
import tensorflow as tf


class BinaryF1(keras.metrics.Metric):
    def __init__(self, name="binary_f1", **kwargs):
        super().__init__(name=name, **kwargs)
        self.tp = self.add_variable(shape=(), initializer="zeros", name="tp")
        self.fp = self.add_variable(shape=(), initializer="zeros", name="fp")
        self.fn = self.add_variable(shape=(), initializer="zeros", name="fn")

    def update_state(self, y_true, y_pred, sample_weight=None):
        t = tf.cast(tf.reshape(y_true, [-1]) > 0.5, "float32")
        p = tf.cast(tf.reshape(y_pred, [-1]) >= 0.5, "float32")
        self.tp.assign_add(tf.reduce_sum(t * p))
        self.fp.assign_add(tf.reduce_sum((1 - t) * p))
        self.fn.assign_add(tf.reduce_sum(t * (1 - p)))

    def result(self):
        return tf.math.divide_no_nan(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def reset_state(self):
        for v in (self.tp, self.fp, self.fn):
            v.assign(0.0)
