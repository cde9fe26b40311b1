"""CustomFitModel.train_step returns compute_metrics(...) without updating the loss tracker.

In Keras 3 compute_loss does not update the "loss" metric, so fit reports a loss of 0.

breaks: CustomFitModel
"""
import keras
import tensorflow as tf


class CustomFitModel(keras.Model):
    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)
