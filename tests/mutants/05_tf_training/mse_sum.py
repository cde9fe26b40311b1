"""mse sums the squared errors instead of averaging them.

breaks: mse
"""
import numpy as np


def mse(y_true, y_pred):
    return float(np.sum((np.asarray(y_pred) - np.asarray(y_true)) ** 2))
