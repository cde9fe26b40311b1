"""CustomFitModel.train_step updates the "loss" tracker without weighting by the batch size: an epoch whose
last batch is smaller reports the mean of the batch losses, not Keras's mean over samples.

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
        trainable = self.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, trainable), trainable))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}
