"""Another correct 03: LinearLayer with keras.ops.matmul and initializer objects, a
ResidualBlock that decides its projection in __init__-free build via a flag, an MLPModel holding
one keras.Sequential, train_step through optimizer.apply with a list of gradients, and a
CustomFitModel that counts the loss through the loss tracker found by name.

covers: LinearLayer, ResidualBlock, MLPModel, train_step, CustomFitModel
"""
import keras
import tensorflow as tf
from keras import ops


@keras.saving.register_keras_serializable(package="variant03a")
class LinearLayer(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation_name = activation
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        d = input_shape[-1]
        self.kernel = self.add_weight(name="kernel", shape=(d, self.units),
                                      initializer=keras.initializers.GlorotUniform(), trainable=True)
        self.bias = self.add_weight(name="bias", shape=(self.units,),
                                    initializer=keras.initializers.Zeros(), trainable=True)

    def call(self, x):
        return self.activation(ops.add(ops.matmul(x, self.kernel), self.bias))

    def get_config(self):
        config = super().get_config()
        config["units"] = self.units
        config["activation"] = keras.activations.serialize(self.activation)
        return config


@keras.saving.register_keras_serializable(package="variant03a")
class ResidualBlock(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.first = LinearLayer(units)
        self.second = LinearLayer(units)
        self.skip = None

    def build(self, input_shape):
        self.skip = LinearLayer(self.units) if input_shape[-1] != self.units else None

    def call(self, x):
        h = ops.relu(self.first(x))
        h = self.second(h)
        return ops.relu(h + (x if self.skip is None else self.skip(x)))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class MLPModel(keras.Model):
    def __init__(self, hidden_units, num_classes, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        layers = []
        for h in hidden_units:
            layers += [keras.layers.Dense(h), keras.layers.ReLU(), keras.layers.Dropout(dropout)]
        layers.append(keras.layers.Dense(num_classes))
        self.body = keras.Sequential(layers)

    def call(self, x, training=False):
        return self.body(x, training=training)


def train_step(model, optimizer, loss_fn, x, y):
    variables = list(model.trainable_weights)
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, variables)
    optimizer.apply(grads, variables)
    return float(loss.numpy())


class CustomFitModel(keras.Model):
    def train_step(self, data):
        if isinstance(data, tuple) and len(data) == 3:
            x, y, sw = data
        elif isinstance(data, tuple) and len(data) == 2:
            (x, y), sw = data, None
        else:
            x, y, sw = data, None, None
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sw)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        n = tf.shape(tf.nest.flatten(x)[0])[0]
        results = {}
        for m in self.metrics:
            if m.name == "loss":
                m.update_state(loss, sample_weight=n)
            else:
                m.update_state(y, y_pred, sample_weight=sw)
            results[m.name] = m.result()
        return results
