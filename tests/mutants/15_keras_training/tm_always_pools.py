"""transfer_model always adds GlobalAveragePooling2D, even when the base already outputs vectors.

breaks: transfer_model
"""
import keras


def transfer_model(base, num_classes):
    base.trainable = False
    inputs = keras.Input(shape=base.input_shape[1:])
    features = keras.layers.GlobalAveragePooling2D()(base(inputs, training=False))
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(features))
