"""train_step differentiates and updates model.variables, non-trainable variables included.

(Non-trainable variables are not watched by the tape on their own; this step watches them
explicitly, so the optimizer moves them too.)

breaks: train_step
"""
import tensorflow as tf


def train_step(model, optimizer, loss_fn, x, y):
    variables = model.variables
    with tf.GradientTape() as tape:
        tape.watch([v.value for v in variables])
        y_pred = model(x, training=True)
        loss = loss_fn(y, y_pred)
    grads = tape.gradient(loss, [v.value for v in variables])
    optimizer.apply_gradients(zip(grads, variables))
    return float(loss)
