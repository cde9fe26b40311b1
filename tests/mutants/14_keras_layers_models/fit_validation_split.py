"""compile_and_fit holds out a validation split (training on less data, extra history keys).

breaks: compile_and_fit
"""
import keras


def compile_and_fit(model, x, y, epochs):
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, validation_split=0.2)
