"""sequential_mlp leaves out keras.Input, so the model is not built until its first call.

breaks: sequential_mlp
"""
import keras


def sequential_mlp(input_dim, hidden, num_classes, dropout):
    layers = []
    for units in hidden:
        layers += [keras.layers.Dense(units, activation="relu"), keras.layers.Dropout(dropout)]
    layers.append(keras.layers.Dense(num_classes, activation="softmax"))
    return keras.Sequential(layers)
