"""compile_and_fit trains with batches of 64 instead of 32.

breaks: compile_and_fit
"""
import keras


def compile_and_fit(model, x, y, epochs):
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(x, y, epochs=epochs, batch_size=64, verbose=0)
