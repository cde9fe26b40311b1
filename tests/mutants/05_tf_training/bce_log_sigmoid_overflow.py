"""binary_crossentropy_from_logits computes log(sigmoid(x)) directly: log(0) for large logits.

breaks: binary_crossentropy_from_logits
"""
import numpy as np


def binary_crossentropy_from_logits(y_true, logits):
    y = np.asarray(y_true, dtype=np.float64)
    p = 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))
    with np.errstate(all="ignore"):
        return float(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)))
