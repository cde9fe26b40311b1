"""sgd_step returns the new weights alone, not the state tuple (w,).

breaks: sgd_step
"""
import numpy as np


def sgd_step(w, g, lr):
    return np.asarray(w) - lr * np.asarray(g)
