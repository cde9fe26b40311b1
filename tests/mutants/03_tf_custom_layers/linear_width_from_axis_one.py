"""LinearLayer sizes its kernel from input_shape[1] instead of the last axis: right for (batch, features)
inputs, wrong for (batch, steps, features); ResidualBlock, built from LinearLayers, fails with it.

breaks: LinearLayer, ResidualBlock
"""
import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="course03")
class LinearLayer(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(int(input_shape[1]), self.units), initializer="glorot_uniform",
                                      name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return self.activation(tf.matmul(inputs, self.kernel) + self.bias)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "activation": keras.activations.serialize(self.activation)})
        return config
