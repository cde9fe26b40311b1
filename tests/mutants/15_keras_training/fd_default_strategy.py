"""fit_distributed uses no strategy at all (the default, single-device one).

breaks: fit_distributed
"""


def fit_distributed(build_fn, x, y, epochs):
    model = build_fn()
    model.fit(x, y, epochs=epochs, verbose=0)
    return model
