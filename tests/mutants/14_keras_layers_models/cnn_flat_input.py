"""digits_cnn takes flat 64-pixel vectors and reshapes them, instead of (8, 8, 1) images.

breaks: digits_cnn
"""
import keras


def digits_cnn():
    inputs = keras.Input((64,))
    x = keras.layers.Reshape((8, 8, 1))(inputs)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Dropout(0.25)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))
