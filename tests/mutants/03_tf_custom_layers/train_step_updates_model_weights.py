"""train_step takes the gradients of, and updates, model.weights instead of model.trainable_variables.

A variable created non-trainable is not watched by the tape (its gradient is None and the
optimizer skips it), but the variables of a layer frozen with `layer.trainable = False` are
still watched: their gradients exist and the optimizer moves the frozen weights.

breaks: train_step
"""
import tensorflow as tf


def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.weights)
    optimizer.apply_gradients(zip(grads, model.weights))
    return float(loss)
