"""CustomFitModel overrides train_step only to hand the batch to keras.Model's own step.

fit then runs Keras's built-in step, not a custom gradient step.

breaks: CustomFitModel
"""
import keras


class CustomFitModel(keras.Model):
    def train_step(self, data):
        return super().train_step(data)
