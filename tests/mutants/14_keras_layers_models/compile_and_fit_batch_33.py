"""compile_and_fit fits with batches of 33 instead of 32: the losses hardly change, the weights do.

breaks: compile_and_fit
"""


def compile_and_fit(model, x, y, epochs):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model.fit(x, y, epochs=epochs, batch_size=33, verbose=0)
