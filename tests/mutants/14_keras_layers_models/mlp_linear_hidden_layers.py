"""sequential_mlp forgets the ReLU on the hidden layers (linear hidden layers).

breaks: sequential_mlp
"""
import keras


def sequential_mlp(input_dim, hidden, num_classes, dropout):
    layers = [keras.Input((input_dim,))]
    for units in hidden:
        layers += [keras.layers.Dense(units), keras.layers.Dropout(dropout)]
    layers.append(keras.layers.Dense(num_classes, activation="softmax"))
    return keras.Sequential(layers)
