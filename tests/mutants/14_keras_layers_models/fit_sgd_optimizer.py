"""compile_and_fit uses plain SGD instead of Adam(1e-3).

breaks: compile_and_fit
"""
import keras


def compile_and_fit(model, x, y, epochs):
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
