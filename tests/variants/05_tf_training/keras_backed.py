"""Another correct 05: the steps written with in-place NumPy updates on copies, the loss with
log-sigmoid written as -(max(-x, 0) + log1p(exp(-|x|))), huber by masks, regression_report
with dot products, and BinaryF1 counting true, predicted and actual positives
(F1 = 2 TP / (predicted + actual)).

covers: momentum_step, rmsprop_step, adam_step, binary_crossentropy_from_logits, huber, regression_report, BinaryF1
"""
import keras
import numpy as np
import tensorflow as tf


def momentum_step(w, g, velocity, lr, momentum):
    v = np.array(velocity, dtype=np.result_type(velocity, g), copy=True)
    v *= momentum
    v -= lr * np.asarray(g)
    return np.asarray(w) + v, v


def rmsprop_step(w, g, avg_sq, lr, rho, epsilon):
    a = np.array(avg_sq, dtype=np.result_type(avg_sq, g), copy=True)
    a *= rho
    a += (1 - rho) * np.asarray(g) ** 2
    return np.asarray(w) - lr / np.sqrt(a + epsilon) * np.asarray(g), a


def adam_step(w, g, m, v, t, lr, beta_1, beta_2, epsilon):
    g, m, v, w = np.asarray(g), np.asarray(m), np.asarray(v), np.asarray(w)
    m = m * beta_1 + g * (1 - beta_1)
    v = v * beta_2 + (g * g) * (1 - beta_2)
    step = lr * (1 - beta_2 ** t) ** 0.5 / (1 - beta_1 ** t)
    return w - step * m / (v ** 0.5 + epsilon), m, v


def binary_crossentropy_from_logits(y_true, logits):
    x = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y_true, dtype=np.float64)
    log_sig_pos = -(np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x))))    # log sigmoid(x)
    log_sig_neg = -(np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x))))     # log sigmoid(-x)
    return float(-np.mean(y * log_sig_pos + (1 - y) * log_sig_neg))


def huber(y_true, y_pred, delta=1.0):
    r = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    small = np.abs(r) <= delta
    out = np.empty_like(r)
    out[small] = 0.5 * r[small] ** 2
    out[~small] = delta * np.abs(r[~small]) - 0.5 * delta ** 2
    return float(out.mean())


def regression_report(y_true, y_pred):
    t = np.ravel(np.asarray(y_true, dtype=np.float64))
    p = np.ravel(np.asarray(y_pred, dtype=np.float64))
    res = t - p
    return {"mae": float(np.mean(np.abs(res))), "rmse": float(np.sqrt(np.dot(res, res) / res.size)),
            "r2": float(1.0 - np.dot(res, res) / np.dot(t - t.mean(), t - t.mean()))}


class BinaryF1(keras.metrics.Metric):
    def __init__(self, name="binary_f1", **kwargs):
        super().__init__(name=name, **kwargs)
        self.tp = self.add_variable(shape=(), initializer="zeros", name="tp")
        self.predicted = self.add_variable(shape=(), initializer="zeros", name="predicted")
        self.actual = self.add_variable(shape=(), initializer="zeros", name="actual")

    def update_state(self, y_true, y_pred, sample_weight=None):
        t = tf.cast(tf.reshape(y_true, [-1]), self.dtype)
        p = tf.cast(tf.reshape(y_pred, [-1]) > 0.5, self.dtype)
        w = tf.ones_like(t) if sample_weight is None else tf.reshape(tf.cast(sample_weight, self.dtype), [-1])
        self.tp.assign_add(tf.reduce_sum(w * t * p))
        self.predicted.assign_add(tf.reduce_sum(w * p))
        self.actual.assign_add(tf.reduce_sum(w * t))

    def result(self):
        return tf.math.divide_no_nan(2.0 * self.tp, self.predicted + self.actual)

    def reset_state(self):
        self.tp.assign(0.0)
        self.predicted.assign(0.0)
        self.actual.assign(0.0)
