"""momentum_step applies the velocity with the wrong sign: w = w - v with v = momentum*v - lr*g.

breaks: momentum_step
"""
import numpy as np


def momentum_step(w, g, velocity, lr, momentum):
    velocity = momentum * np.asarray(velocity) - lr * np.asarray(g)
    return (np.asarray(w) - velocity, velocity)
