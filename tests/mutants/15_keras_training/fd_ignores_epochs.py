"""fit_distributed trains for one epoch whatever `epochs` says.

breaks: fit_distributed
"""
import tensorflow as tf


def fit_distributed(build_fn, x, y, epochs):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = build_fn()
    model.fit(x, y, epochs=1, verbose=0)
    return model
