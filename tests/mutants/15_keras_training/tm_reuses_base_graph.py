"""transfer_model builds on base.input / base.output instead of calling the base on a new Input.

breaks: transfer_model
"""
import keras


def transfer_model(base, num_classes):
    base.trainable = False
    features = base.output
    if len(features.shape) == 4:
        features = keras.layers.GlobalAveragePooling2D()(features)
    return keras.Model(base.input, keras.layers.Dense(num_classes, activation="softmax")(features))
