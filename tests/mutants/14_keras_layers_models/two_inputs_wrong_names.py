"""functional_two_inputs names its inputs 'num' and 'text' instead of 'numeric' and 'tokens'.

breaks: functional_two_inputs
"""
import keras


def functional_two_inputs(num_dim, text_len, vocab, num_classes):
    numeric = keras.Input((num_dim,), name="num")
    tokens = keras.Input((text_len,), dtype="int32", name="text")
    text = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(vocab, 16)(tokens))
    h = keras.layers.Concatenate()([keras.layers.Dense(16, activation="relu")(numeric), text])
    h = keras.layers.Dense(32, activation="relu")(h)
    label = keras.layers.Dense(num_classes, activation="softmax", name="label")(h)
    score = keras.layers.Dense(1, name="score")(h)
    return keras.Model(inputs=[numeric, tokens], outputs=[label, score])
