"""MLPModel ignores the training flag: dropout is applied on every call, inference included.

breaks: MLPModel
"""
import keras


class MLPModel(keras.Model):
    def __init__(self, hidden_units, num_classes, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.hidden_layers = [keras.layers.Dense(int(h), activation="relu") for h in hidden_units]
        self.dropouts = [keras.layers.Dropout(dropout) for _ in hidden_units]
        self.classifier = keras.layers.Dense(int(num_classes))

    def call(self, inputs, training=False):
        h = inputs
        for dense, drop in zip(self.hidden_layers, self.dropouts):
            h = drop(dense(h), training=True)
        return self.classifier(h)
