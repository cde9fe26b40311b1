"""transfer_model's head has no softmax: it returns logits, not probabilities.

breaks: transfer_model
"""
import keras


def transfer_model(base, num_classes):
    base.trainable = False
    inputs = keras.Input(shape=base.input_shape[1:])
    features = base(inputs, training=False)
    if len(features.shape) == 4:
        features = keras.layers.GlobalAveragePooling2D()(features)
    return keras.Model(inputs, keras.layers.Dense(num_classes)(features))
