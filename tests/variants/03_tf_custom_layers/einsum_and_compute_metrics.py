"""Another correct 03: LinearLayer with tf.einsum, a ResidualBlock whose skip is computed in
call from a width test, an MLPModel with Dropout applied through a Python loop over pairs, and a
CustomFitModel using keras.utils.unpack_x_y_sample_weight and updating the metrics per kind.

covers: LinearLayer, ResidualBlock, MLPModel, CustomFitModel
"""
import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="variant03b")
class LinearLayer(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=[int(input_shape[-1]), self.units], initializer="glorot_uniform",
                                      name="kernel")
        self.bias = self.add_weight(shape=[self.units], initializer="zeros", name="bias")
        super().build(input_shape)

    def call(self, inputs):
        return self.activation(tf.einsum("...i,ij->...j", inputs, self.kernel) + self.bias)

    def get_config(self):
        cfg = dict(super().get_config())
        cfg.update(units=self.units, activation=keras.activations.serialize(self.activation))
        return cfg


@keras.saving.register_keras_serializable(package="variant03b")
class ResidualBlock(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.l1 = LinearLayer(self.units, activation="relu")
        self.l2 = LinearLayer(self.units)

    def build(self, input_shape):
        self.proj = LinearLayer(self.units) if int(input_shape[-1]) != self.units else None
        super().build(input_shape)

    def call(self, inputs):
        skip = self.proj(inputs) if self.proj is not None else inputs
        return tf.maximum(self.l2(self.l1(inputs)) + skip, 0.0)

    def get_config(self):
        cfg = super().get_config()
        cfg["units"] = self.units
        return cfg


class MLPModel(keras.Model):
    def __init__(self, hidden_units, num_classes, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.pairs = [(keras.layers.Dense(int(h), activation="relu"), keras.layers.Dropout(rate=dropout))
                      for h in hidden_units]
        self.out = keras.layers.Dense(int(num_classes), activation=None)

    def call(self, inputs, training=False):
        x = inputs
        for dense, dropout in self.pairs:
            x = dense(x)
            if training:
                x = dropout(x, training=True)
        return self.out(x)


class CustomFitModel(keras.Model):
    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        variables = self.trainable_variables
        self.optimizer.apply_gradients(list(zip(tape.gradient(loss, variables), variables)))
        batch = tf.cast(tf.shape(tf.nest.flatten(x)[0])[0], tf.float32)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss, sample_weight=batch)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {metric.name: metric.result() for metric in self.metrics}
