"""sequential_mlp ends in a linear Dense layer (logits) instead of a softmax.

breaks: sequential_mlp
"""
import keras


def sequential_mlp(input_dim, hidden, num_classes, dropout):
    layers = [keras.Input((input_dim,))]
    for units in hidden:
        layers += [keras.layers.Dense(units, activation="relu"), keras.layers.Dropout(dropout)]
    layers.append(keras.layers.Dense(num_classes))
    return keras.Sequential(layers)
