"""regression_report computes r2 as ss_res / ss_tot - 1 (the sign flipped).

breaks: regression_report
"""
import numpy as np


def regression_report(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    err = y_pred - y_true
    r2 = np.sum(err ** 2) / np.sum((y_true - y_true.mean()) ** 2) - 1.0
    return {"mae": float(np.mean(np.abs(err))), "rmse": float(np.sqrt(np.mean(err ** 2))), "r2": float(r2)}
