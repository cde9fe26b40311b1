"""adam_step puts epsilon inside the square root: sqrt(v + epsilon).

breaks: adam_step
"""
import numpy as np


def adam_step(w, g, m, v, t, lr, beta_1, beta_2, epsilon):
    g = np.asarray(g)
    m = beta_1 * np.asarray(m) + (1.0 - beta_1) * g
    v = beta_2 * np.asarray(v) + (1.0 - beta_2) * g * g
    alpha = lr * np.sqrt(1.0 - beta_2 ** t) / (1.0 - beta_1 ** t)
    return (np.asarray(w) - alpha * m / np.sqrt(v + epsilon), m, v)
