"""One non-persistent tape used for two gradients (raises RuntimeError).

breaks: derivatives
"""
import tensorflow as tf


def derivatives(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
        dy_dx = tape.gradient(y, x)
    d2y_dx2 = tape.gradient(dy_dx, x)
    return dy_dx, d2y_dx2
