"""LinearLayer creates its weights in __init__, for a fixed input size.

The kernel is made before the input width is known (a default input_dim of 32), so the layer
has weights before its first call and fails on any other input width; ResidualBlock, built
from LinearLayers, fails with it.

breaks: LinearLayer, ResidualBlock
"""
import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="course03")
class LinearLayer(keras.layers.Layer):
    def __init__(self, units, activation=None, input_dim=32, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.input_dim = int(input_dim)
        self.activation = keras.activations.get(activation)
        self.kernel = self.add_weight(shape=(self.input_dim, self.units), initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return self.activation(tf.matmul(inputs, self.kernel) + self.bias)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "input_dim": self.input_dim,
                       "activation": keras.activations.serialize(self.activation)})
        return config
