"""compile_and_fit returns the trained model instead of the History, and reports no metric.

breaks: compile_and_fit
"""
import keras


def compile_and_fit(model, x, y, epochs):
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    return model
