"""mse sums over the outputs of each sample, then averages over the batch.

breaks: mse
"""
import numpy as np


def mse(y_true, y_pred):
    sq = (np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)) ** 2
    return float(np.mean(sq.reshape(len(sq), -1).sum(axis=1)))
