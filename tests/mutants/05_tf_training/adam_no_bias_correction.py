"""adam_step without bias correction: w -= lr * m / (sqrt(v) + epsilon).

breaks: adam_step
"""
import numpy as np


def adam_step(w, g, m, v, t, lr, beta_1, beta_2, epsilon):
    g = np.asarray(g)
    m = beta_1 * np.asarray(m) + (1.0 - beta_1) * g
    v = beta_2 * np.asarray(v) + (1.0 - beta_2) * g * g
    return (np.asarray(w) - lr * m / (np.sqrt(v) + epsilon), m, v)
