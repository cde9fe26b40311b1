"""adam_step in the paper's form, m_hat / (sqrt(v_hat) + epsilon): epsilon is added after the bias
correction of v, not as Keras 3 does (bias correction folded into the step size).

breaks: adam_step
"""
import numpy as np


def adam_step(w, g, m, v, t, lr, beta_1, beta_2, epsilon):
    g = np.asarray(g)
    m = beta_1 * np.asarray(m) + (1.0 - beta_1) * g
    v = beta_2 * np.asarray(v) + (1.0 - beta_2) * g * g
    m_hat, v_hat = m / (1.0 - beta_1 ** t), v / (1.0 - beta_2 ** t)
    return (np.asarray(w) - lr * m_hat / (np.sqrt(v_hat) + epsilon), m, v)
