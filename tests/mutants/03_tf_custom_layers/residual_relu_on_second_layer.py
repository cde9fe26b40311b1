"""ResidualBlock gives L2 a ReLU too, so relu(relu(L2(...)) + s(x)) instead of relu(L2(...) + s(x)).

breaks: ResidualBlock
"""
import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="course03")
class ResidualBlock(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.linear1 = LinearLayer(self.units, activation="relu")  # noqa: F821 (the reference's)
        self.linear2 = LinearLayer(self.units, activation="relu")  # noqa: F821
        self.projection = None

    def build(self, input_shape):
        if int(input_shape[-1]) != self.units:
            self.projection = LinearLayer(self.units)  # noqa: F821

    def call(self, inputs):
        shortcut = inputs if self.projection is None else self.projection(inputs)
        return tf.nn.relu(self.linear2(self.linear1(inputs)) + shortcut)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config
