"""Returning NumPy scalars (w.numpy()) instead of Python floats.

breaks: fit_line
"""
import tensorflow as tf


def fit_line(x, y, steps=300, lr=0.1):
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(w * x + b - y))
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(lr * dw)
        b.assign_sub(lr * db)
    return w.numpy(), b.numpy()
