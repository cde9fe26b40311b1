"""Visible checks of 03_tf_custom_layers: small fixed examples you can read.

The hidden tests check the same contracts more thoroughly, on fresh random inputs.
"""
import numpy as np

from dlcourse.visible import Checks

checks = Checks()

X2 = np.array([[1.0, 2.0], [-1.0, 0.5]], dtype="float32")   # two examples, two features


def _linear_layers(layer):
    return [sub for sub in layer._flatten_layers(include_self=False, recursive=True)
            if type(sub).__name__ == "LinearLayer"]


@checks.of("LinearLayer")
def _(LinearLayer):
    import keras

    layer = LinearLayer(3, name="my_linear")
    checks.expect(layer.name == "my_linear",
                  f"LinearLayer(3, name='my_linear').name is {layer.name!r}: pass **kwargs on to super().__init__")
    checks.expect(len(layer.weights) == 0,
                  f"a new LinearLayer already has {len(layer.weights)} weight(s): create them in build(), "
                  "when the input width is known")
    y = np.asarray(layer(X2))
    shapes = sorted(tuple(w.shape) for w in layer.weights)
    checks.expect(shapes == [(2, 3), (3,)],
                  f"after a call on inputs of width 2, LinearLayer(3) should have exactly a kernel (2, 3) "
                  f"and a bias (3,); its weights have shapes {shapes}")
    subs = [type(s).__name__ for s in layer._flatten_layers(include_self=False, recursive=True)]
    checks.expect(not subs, f"LinearLayer should not contain other layers; it contains {subs}")
    kernel, bias = np.asarray(layer.kernel), np.asarray(layer.bias)
    checks.expect(np.all(bias == 0), f"the bias should start at zeros, it is {bias}")
    checks.expect(np.allclose(y, X2 @ kernel + bias, atol=1e-5),
                  "LinearLayer(3) should return x @ kernel + bias (no activation by default)")

    relu_layer = LinearLayer(4, activation="relu")
    y = np.asarray(relu_layer(X2))
    checks.expect(y.shape == (2, 4), f"LinearLayer(4)(x) for a batch of 2 should have shape (2, 4), not {y.shape}")
    expected = np.maximum(X2 @ np.asarray(relu_layer.kernel) + np.asarray(relu_layer.bias), 0)
    checks.expect(np.allclose(y, expected, atol=1e-5),
                  "LinearLayer(4, activation='relu') should return relu(x @ kernel + bias)")

    config = relu_layer.get_config()
    checks.expect(config.get("units") == 4, f"get_config() should contain 'units': 4, got {config}")
    clone = LinearLayer.from_config(config)
    clone.build((None, 2))
    clone.set_weights(relu_layer.get_weights())
    checks.expect(np.allclose(np.asarray(clone(X2)), y, atol=1e-6),
                  "LinearLayer.from_config(layer.get_config()) should rebuild the same layer "
                  "(units and activation), but it computes something else")
    checks.expect(keras.saving.get_registered_name(LinearLayer) != LinearLayer.__name__,
                  "LinearLayer should be registered with @keras.saving.register_keras_serializable")


@checks.of("ResidualBlock")
def _(ResidualBlock):
    import keras

    block = ResidualBlock(2)
    checks.expect(isinstance(block, keras.layers.Layer), "ResidualBlock should be a keras.layers.Layer")
    y = np.asarray(block(X2))
    checks.expect(y.shape == (2, 2), f"ResidualBlock(2) on inputs of width 2 should give shape (2, 2), not {y.shape}")
    n_linear = len(_linear_layers(block))
    checks.expect(n_linear == 2 and len(block.weights) == 4,
                  f"with input width == units there is no projection: expected 2 LinearLayers and 4 weights, "
                  f"found {n_linear} LinearLayers and {len(block.weights)} weights")
    block.set_weights([np.zeros(w.shape, "float32") for w in block.weights])
    y = np.asarray(block(X2))
    checks.expect(np.allclose(y, np.maximum(X2, 0)),
                  f"with every weight set to zero, relu(L2(relu(L1(x))) + x) is relu(x) = "
                  f"{np.maximum(X2, 0).tolist()}, got {y.tolist()}")

    wide = ResidualBlock(5)
    y = np.asarray(wide(X2))
    n_linear = len(_linear_layers(wide))
    checks.expect(y.shape == (2, 5), f"ResidualBlock(5) on inputs of width 2 should give shape (2, 5), not {y.shape}")
    checks.expect(n_linear == 3 and len(wide.weights) == 6,
                  f"with input width 2 != units 5 the shortcut is a LinearLayer projection: expected 3 "
                  f"LinearLayers and 6 weights, found {n_linear} and {len(wide.weights)}")
    checks.expect(np.all(y >= 0), "the block ends with a ReLU: its outputs cannot be negative")


@checks.of("MLPModel")
def _(MLPModel):
    import keras

    model = MLPModel([8, 4], 3, dropout=0.5)
    checks.expect(isinstance(model, keras.Model), "MLPModel should be a subclass of keras.Model")
    x = np.linspace(-1, 1, 5 * 6, dtype="float32").reshape(5, 6)
    y = np.asarray(model(x))
    checks.expect(y.shape == (5, 3), f"MLPModel([8, 4], 3) on a batch of 5 should give shape (5, 3), not {y.shape}")
    shapes = [tuple(w.shape) for w in model.trainable_weights]
    checks.expect(sorted(shapes) == sorted([(6, 8), (8,), (8, 4), (4,), (4, 3), (3,)]),
                  f"MLPModel([8, 4], 3) on 6 features should have kernels (6, 8), (8, 4), (4, 3) and their "
                  f"biases; it has weights of shapes {shapes}")
    checks.expect(np.allclose(np.asarray(model(x, training=False)), y),
                  "with training=False (the default) two calls on the same input should give the same output")
    t1, t2 = np.asarray(model(x, training=True)), np.asarray(model(x, training=True))
    checks.expect(not np.allclose(t1, y) and not np.allclose(t1, t2),
                  "with dropout=0.5 and training=True the output should change from call to call")
    checks.expect(not np.allclose(y.sum(axis=1), 1.0, atol=1e-4),
                  "the rows of the output sum to 1: return logits, without a softmax")


@checks.of("train_step")
def _(train_step):
    import keras

    x = np.array([[1.0, 2.0], [3.0, 4.0]], dtype="float32")
    y = np.array([[1.0], [2.0]], dtype="float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    loss = train_step(model, keras.optimizers.SGD(learning_rate=0.1), keras.losses.MeanSquaredError(), x, y)
    checks.expect(isinstance(loss, (float, np.floating)), f"train_step should return a Python float, not {type(loss).__name__}")
    checks.expect(abs(loss - 2.5) < 1e-5,
                  f"with zero weights the MSE before the update is (1² + 2²) / 2 = 2.5; train_step returned {loss}")
    kernel, bias = (np.asarray(w) for w in model.weights)
    checks.expect(np.allclose(kernel.ravel(), [0.7, 1.0], atol=1e-5) and np.allclose(bias, [0.3], atol=1e-5),
                  f"one SGD step (lr 0.1) from zero weights should give kernel [0.7, 1.0] and bias [0.3]; "
                  f"got kernel {kernel.ravel().round(4).tolist()} and bias {bias.round(4).tolist()}")

    frozen = keras.layers.Dense(2, kernel_initializer="ones")
    model = keras.Sequential([keras.Input((2,)), frozen, keras.layers.Dense(1, kernel_initializer="zeros")])
    frozen.trainable = False
    train_step(model, keras.optimizers.SGD(learning_rate=0.1), keras.losses.MeanSquaredError(), x, y)
    checks.expect(np.allclose(np.asarray(frozen.kernel), 1.0) and np.allclose(np.asarray(frozen.bias), 0.0),
                  "the weights of a frozen layer (trainable=False) changed: differentiate and update "
                  "model.trainable_variables only")


@checks.of("CustomFitModel")
def _(CustomFitModel):
    import keras

    checks.expect(isinstance(CustomFitModel, type) and issubclass(CustomFitModel, keras.Model),
                  "CustomFitModel should be a subclass of keras.Model")
    checks.expect(CustomFitModel.train_step is not keras.Model.train_step,
                  "CustomFitModel should override train_step")
    x = np.linspace(-1, 1, 16, dtype="float32").reshape(8, 2)
    y = x @ np.array([[2.0], [-1.0]], dtype="float32") + 0.5
    inputs = keras.Input((2,))
    model = CustomFitModel(inputs=inputs, outputs=keras.layers.Dense(1, kernel_initializer="zeros")(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.2), loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0).history
    checks.expect("loss" in history and "mae" in history,
                  f"fit's history should report 'loss' and the compiled metric 'mae'; it has {sorted(history)}")
    first = float(np.mean((y - 0) ** 2))
    checks.expect(abs(history["loss"][0] - first) < 1e-4,
                  f"the first epoch's loss (zero weights, one batch) should be the MSE {first:.4f}, "
                  f"got {history['loss'][0]:.4f}")
    checks.expect(history["loss"][-1] < history["loss"][0], f"the loss should decrease: {history['loss']}")


check = checks.check
needs = checks.needs
