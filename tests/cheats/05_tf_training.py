"""Cheats against the graders of 05_tf_training (issue 22): each is a wrong submission plus an attack.

Mechanism: a framework function the probe calls after the learner's code ran (``keras.Model.evaluate``)
replaced so that it reports a right F1 score that the learner's metric never computed.
"""
from cheat_kit import Cheat, dedent

A = "05_tf_training"

# Every graded name defined, every one wrong: this scores 0 on its own.
WRONG = dedent('''
    import numpy as np
    import keras
    import tensorflow as tf

    def sgd_step(w, g, lr):
        return (np.asarray(w) + lr * np.asarray(g),)

    def momentum_step(w, g, velocity, lr, momentum):
        return (np.asarray(w) + lr * np.asarray(g), velocity)

    def rmsprop_step(w, g, avg_sq, lr, rho, epsilon):
        return (np.asarray(w) + lr * np.asarray(g), avg_sq)

    def adam_step(w, g, m, v, t, lr, beta_1, beta_2, epsilon):
        return (np.asarray(w) + lr * np.asarray(g), m, v)

    def mse(y_true, y_pred):
        return float(np.sum(np.abs(np.asarray(y_true) - np.asarray(y_pred))))

    def binary_crossentropy_from_logits(y_true, logits):
        return -1.0

    def sparse_categorical_crossentropy_from_logits(y_true, logits):
        return -1.0

    def huber(y_true, y_pred, delta=1.0):
        return -1.0

    def classification_report(y_true, y_pred):
        return {"accuracy": -1.0, "precision": -1.0, "recall": -1.0, "f1": -1.0}

    def regression_report(y_true, y_pred):
        return {"mae": -1.0, "rmse": -1.0, "r2": 2.0}

    class BinaryF1(keras.metrics.Metric):
        def __init__(self, name="binary_f1", **kwargs):
            super().__init__(name=name, **kwargs)

        def update_state(self, y_true, y_pred, sample_weight=None):
            pass

        def result(self):
            return tf.constant(0.5)

        def reset_state(self):
            pass
    ''')


CHEATS = {
    # BinaryF1 computes nothing; keras.Model.evaluate is replaced by one that predicts, computes the F1 of
    # the whole data set with NumPy and reports it under the metric's name.
    "tf05_evaluate_reports_forged_f1": Cheat(dedent('''
        def _evaluate(self, x=None, y=None, batch_size=None, verbose=0, return_dict=False, **kwargs):
            p = np.asarray(self.predict(x, batch_size=batch_size, verbose=0)).reshape(-1) > 0.5
            t = np.asarray(y).reshape(-1) > 0.5
            tp, fp, fn = np.sum(p & t), np.sum(p & ~t), np.sum(~p & t)
            f1 = 0.0 if tp == 0 else 2.0 * tp / (2.0 * tp + fp + fn)
            out = {"loss": 0.0, "binary_f1": float(f1)}
            return out if return_dict else list(out.values())
        keras.Model.evaluate = _evaluate
        '''), assignment=A, base=WRONG),
}
