"""huber forgets the 1/2 in the quadratic part (and so in the linear one).

breaks: huber
"""
import numpy as np


def huber(y_true, y_pred, delta=1.0):
    err = np.abs(np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64))
    return float(np.mean(np.where(err <= delta, err ** 2, delta * (2 * err - delta))))
