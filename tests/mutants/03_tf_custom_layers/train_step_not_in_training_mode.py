"""train_step runs the model without training=True: dropout (and any layer that behaves differently while
training) runs in inference mode during the step.

breaks: train_step
"""
import tensorflow as tf


def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    variables = model.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return float(loss)
