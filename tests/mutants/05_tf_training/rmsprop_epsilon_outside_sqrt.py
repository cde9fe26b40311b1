"""rmsprop_step adds epsilon after the square root (Keras 3 puts it inside).

breaks: rmsprop_step
"""
import numpy as np


def rmsprop_step(w, g, avg_sq, lr, rho, epsilon):
    g = np.asarray(g)
    avg_sq = rho * np.asarray(avg_sq) + (1.0 - rho) * g * g
    return (np.asarray(w) - lr * g / (np.sqrt(avg_sq) + epsilon), avg_sq)
