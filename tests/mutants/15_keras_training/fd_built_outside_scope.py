"""fit_distributed calls build_fn before entering strategy.scope(): the variables are not mirrored.

breaks: fit_distributed
"""
import tensorflow as tf


def fit_distributed(build_fn, x, y, epochs):
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    model = build_fn()
    with strategy.scope():
        model.fit(x, y, epochs=epochs, verbose=0)
    return model
