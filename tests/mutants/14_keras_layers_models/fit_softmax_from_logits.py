"""compile_and_fit compiles a softmax model with from_logits=True (softmax applied twice).

breaks: compile_and_fit
"""
import keras


def compile_and_fit(model, x, y, epochs):
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
