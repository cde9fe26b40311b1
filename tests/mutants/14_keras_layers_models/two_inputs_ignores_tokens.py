"""functional_two_inputs declares the tokens input but never uses it: the text has no effect.

breaks: functional_two_inputs
"""
import keras


def functional_two_inputs(num_dim, text_len, vocab, num_classes):
    numeric = keras.Input((num_dim,), name="numeric")
    tokens = keras.Input((text_len,), dtype="int32", name="tokens")
    h = keras.layers.Dense(32, activation="relu")(numeric)
    label = keras.layers.Dense(num_classes, activation="softmax", name="label")(h)
    score = keras.layers.Dense(1, name="score")(h)
    return keras.Model(inputs=[numeric, tokens], outputs=[label, score])
