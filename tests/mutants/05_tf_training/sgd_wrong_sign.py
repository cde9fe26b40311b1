"""sgd_step adds the gradient instead of subtracting it (gradient ascent).

breaks: sgd_step
"""
import numpy as np


def sgd_step(w, g, lr):
    return (np.asarray(w) + lr * np.asarray(g),)
