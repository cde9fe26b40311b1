"""regression_report reports the mean squared error as 'rmse' (no square root).

breaks: regression_report
"""
import numpy as np


def regression_report(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    err = y_pred - y_true
    r2 = 1.0 - np.sum(err ** 2) / np.sum((y_true - y_true.mean()) ** 2)
    return {"mae": float(np.mean(np.abs(err))), "rmse": float(np.mean(err ** 2)), "r2": float(r2)}
