"""LinearLayer wraps keras.layers.Dense instead of creating its own kernel and bias.

It computes the right thing (so ResidualBlock still works), but it is not the exercise.

breaks: LinearLayer
"""
import keras


@keras.saving.register_keras_serializable(package="course03")
class LinearLayer(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = keras.activations.get(activation)
        self.dense = keras.layers.Dense(self.units, activation=self.activation)

    def call(self, inputs):
        return self.dense(inputs)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "activation": keras.activations.serialize(self.activation)})
        return config
