"""transfer_model calls the base with training=True (BatchNorm would use batch statistics).

breaks: transfer_model
"""
import keras


def transfer_model(base, num_classes):
    base.trainable = False
    inputs = keras.Input(shape=base.input_shape[1:])
    features = base(inputs, training=True)
    if len(features.shape) == 4:
        features = keras.layers.GlobalAveragePooling2D()(features)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(features))
