"""ResidualBlock adds the input itself even when its width differs from units (no projection).

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
        self.linear2 = LinearLayer(self.units)  # noqa: F821

    def call(self, inputs):
        return tf.nn.relu(self.linear2(self.linear1(inputs)) + inputs)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config
