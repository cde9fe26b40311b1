"""rmsprop_step accumulates avg_sq = rho*avg_sq + g**2, forgetting the (1 - rho) weight.

breaks: rmsprop_step
"""
import numpy as np


def rmsprop_step(w, g, avg_sq, lr, rho, epsilon):
    g = np.asarray(g)
    avg_sq = rho * np.asarray(avg_sq) + g * g
    return (np.asarray(w) - lr * g / np.sqrt(avg_sq + epsilon), avg_sq)
