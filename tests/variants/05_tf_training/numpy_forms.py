"""Another correct 05: the optimizer steps in expanded algebraic forms (Adam with m_hat, v_hat
and an epsilon rescaled to the folded form; RMSprop with np.divide), the losses with np.logaddexp
and scipy-free log-sum-exp, the reports from confusion counts by np.bincount, and BinaryF1 with
a single two-by-two confusion variable.

covers: sgd_step, momentum_step, rmsprop_step, adam_step, mse, binary_crossentropy_from_logits, sparse_categorical_crossentropy_from_logits, huber, classification_report, regression_report, BinaryF1
"""
import keras
import numpy as np
import tensorflow as tf


def sgd_step(w, g, lr):
    w = np.array(w, copy=True)
    w -= lr * np.asarray(g)
    return (w,)


def momentum_step(w, g, velocity, lr, momentum):
    new_v = np.multiply(momentum, velocity) + np.multiply(-lr, g)
    return np.add(w, new_v), new_v


def rmsprop_step(w, g, avg_sq, lr, rho, epsilon):
    g = np.asarray(g)
    s = rho * np.asarray(avg_sq) + (1 - rho) * np.square(g)
    return np.asarray(w) - np.divide(lr * g, np.sqrt(s + epsilon)), s


def adam_step(w, g, m, v, t, lr, beta_1, beta_2, epsilon):
    g = np.asarray(g)
    m = beta_1 * np.asarray(m) + (1 - beta_1) * g
    v = beta_2 * np.asarray(v) + (1 - beta_2) * np.square(g)
    c1, c2 = 1 - beta_1 ** t, 1 - beta_2 ** t
    m_hat = m / c1
    v_hat = v / c2
    # Keras folds the correction into the step size: epsilon is added to sqrt(v), not sqrt(v_hat)
    return np.asarray(w) - lr * m_hat / (np.sqrt(v_hat) + epsilon / np.sqrt(c2)), m, v


def mse(y_true, y_pred):
    return float(np.square(np.subtract(y_pred, y_true, dtype=np.float64)).mean())


def binary_crossentropy_from_logits(y_true, logits):
    y = np.asarray(y_true, np.float64)
    x = np.asarray(logits, np.float64)
    # -[y log s(x) + (1-y) log(1-s(x))] = y*logaddexp(0,-x) + (1-y)*logaddexp(0,x)
    return float(np.mean(y * np.logaddexp(0.0, -x) + (1 - y) * np.logaddexp(0.0, x)))


def sparse_categorical_crossentropy_from_logits(y_true, logits):
    z = np.asarray(logits, np.float64)
    idx = np.asarray(y_true).reshape(-1).astype(int)
    m = np.max(z, axis=1)
    lse = m + np.log(np.sum(np.exp(z - m[:, None]), axis=1))
    return float(np.mean(lse - z[np.arange(z.shape[0]), idx]))


def huber(y_true, y_pred, delta=1.0):
    e = np.abs(np.asarray(y_true, np.float64) - np.asarray(y_pred, np.float64))
    q = np.minimum(e, delta)
    return float(np.mean(0.5 * q * q + delta * (e - q)))


def classification_report(y_true, y_pred):
    t = np.asarray(y_true).astype(int).ravel()
    p = np.asarray(y_pred).astype(int).ravel()
    tn, fp, fn, tp = np.bincount(2 * t + p, minlength=4)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"accuracy": float((tp + tn) / len(t)), "precision": float(prec), "recall": float(rec), "f1": float(f1)}


def regression_report(y_true, y_pred):
    t = np.asarray(y_true, np.float64).ravel()
    p = np.asarray(y_pred, np.float64).ravel()
    mse_ = np.mean((t - p) ** 2)
    return {"mae": float(np.abs(t - p).mean()), "rmse": float(np.sqrt(mse_)), "r2": float(1 - mse_ / np.var(t))}


class BinaryF1(keras.metrics.Metric):
    def __init__(self, name="binary_f1", **kwargs):
        super().__init__(name=name, **kwargs)
        self.counts = self.add_variable(shape=(2, 2), initializer="zeros", name="confusion")

    def update_state(self, y_true, y_pred, sample_weight=None):
        t = tf.cast(tf.reshape(y_true, [-1]) > 0.5, tf.int32)
        p = tf.cast(tf.reshape(y_pred, [-1]) > 0.5, tf.int32)
        w = None if sample_weight is None else tf.reshape(tf.cast(sample_weight, self.dtype), [-1])
        cm = tf.math.confusion_matrix(t, p, num_classes=2, weights=w, dtype=self.dtype)
        self.counts.assign_add(cm)

    def result(self):
        tp, fp, fn = self.counts[1, 1], self.counts[0, 1], self.counts[1, 0]
        return tf.math.divide_no_nan(2 * tp, 2 * tp + fp + fn)

    def reset_state(self):
        self.counts.assign(tf.zeros((2, 2), self.dtype))
