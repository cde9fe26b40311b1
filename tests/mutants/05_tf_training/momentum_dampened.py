"""momentum_step uses an exponential average of the gradients, v = momentum*v + (1-momentum)*g,
w -= lr*v: a different optimizer from Keras's SGD(momentum=...).

breaks: momentum_step
"""
import numpy as np


def momentum_step(w, g, velocity, lr, momentum):
    velocity = momentum * np.asarray(velocity) + (1 - momentum) * np.asarray(g)
    return (np.asarray(w) - lr * velocity, velocity)
