"""sequential_mlp puts each Dropout before its Dense layer instead of after it.

breaks: sequential_mlp
"""
import keras


def sequential_mlp(input_dim, hidden, num_classes, dropout):
    layers = [keras.Input((input_dim,))]
    for units in hidden:
        layers += [keras.layers.Dropout(dropout), keras.layers.Dense(units, activation="relu")]
    layers.append(keras.layers.Dense(num_classes, activation="softmax"))
    return keras.Sequential(layers)
