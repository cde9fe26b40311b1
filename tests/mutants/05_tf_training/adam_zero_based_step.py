"""adam_step corrects the bias with beta**(t + 1), as if t were 0-based: one step off.

breaks: adam_step
"""
import numpy as np


def adam_step(w, g, m, v, t, lr, beta_1, beta_2, epsilon):
    g = np.asarray(g)
    m = beta_1 * np.asarray(m) + (1.0 - beta_1) * g
    v = beta_2 * np.asarray(v) + (1.0 - beta_2) * g * g
    s = t + 1
    alpha = lr * np.sqrt(1.0 - beta_2 ** s) / (1.0 - beta_1 ** s)
    return (np.asarray(w) - alpha * m / (np.sqrt(v) + epsilon), m, v)
