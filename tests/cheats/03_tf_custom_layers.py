"""Cheats against 03_tf_custom_layers' graders: submissions whose graded functions are wrong, plus
an attack (issue 22):

* a train_step that never updates anything, to earn a test of what it must NOT do (leave the
  non-trainable and frozen weights alone);
* keras.Model.fit replaced in the learner's process, so that CustomFitModel and the reference
  keras.Model the graders used to train in the same process report the same made-up history.

Each must earn exactly what its base earns on its own (nothing)."""
from cheat_kit import Cheat, dedent

A = "03_tf_custom_layers"

WRONG = dedent('''
    import keras
    import tensorflow as tf

    class LinearLayer(keras.layers.Layer):
        def call(self, inputs):
            return inputs

    class ResidualBlock(keras.layers.Layer):
        def call(self, inputs):
            return inputs

    class MLPModel(keras.Model):
        def call(self, inputs, training=False):
            return inputs

    def train_step(model, optimizer, loss_fn, x, y):
        return "no step"

    class CustomFitModel(keras.Model):
        pass
    ''')

CHEATS = {
    "tf03_train_step_does_nothing_so_frozen_weights_stay": Cheat(dedent('''
        def train_step(model, optimizer, loss_fn, x, y):
            return 0.0                   # a float, and not one variable moved: "non-trainable untouched"
        '''), assignment=A, base=WRONG),
    "tf03_patch_keras_fit_for_both_sides": Cheat(dedent('''
        class _History:
            def __init__(self, epochs):
                falling = [1.0 / (1 + e) for e in range(epochs)]
                self.history = {"loss": falling, "mae": falling, "accuracy": falling}

        def _fit(self, x=None, y=None, epochs=1, **kwargs):
            return _History(epochs)          # no training; the same numbers for every model

        keras.Model.fit = _fit

        class CustomFitModel(keras.Model):
            def train_step(self, data):
                return {}
        '''), assignment=A, base=WRONG),
}
