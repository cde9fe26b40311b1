"""fit_distributed mirrors over one device only: a single replica.

breaks: fit_distributed
"""
import tensorflow as tf


def fit_distributed(build_fn, x, y, epochs):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with strategy.scope():
        model = build_fn()
    model.fit(x, y, epochs=epochs, verbose=0)
    return model
