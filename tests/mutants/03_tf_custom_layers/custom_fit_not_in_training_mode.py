"""CustomFitModel.train_step runs the model without training=True: during fit, dropout (and any layer that
behaves differently while training) runs in inference mode.

breaks: CustomFitModel
"""
import keras
import tensorflow as tf


class CustomFitModel(keras.Model):
    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        trainable = self.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, trainable), trainable))
        batch_size = tf.shape(tf.nest.flatten(x)[0])[0]
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss, sample_weight=batch_size)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}
