"""huber ignores delta and always switches at 1.

breaks: huber
"""
import numpy as np


def huber(y_true, y_pred, delta=1.0):
    err = np.abs(np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64))
    return float(np.mean(np.where(err <= 1.0, 0.5 * err ** 2, err - 0.5)))
