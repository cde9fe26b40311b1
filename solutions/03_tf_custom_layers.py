"""Reference solution of 03_tf_custom_layers.

Generated from source/03_tf_custom_layers/03_tf_custom_layers.ipynb by `dlcourse build`; do not edit.
"""


import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")   # hide TensorFlow's C++ start-up messages

import numpy as np
import tensorflow as tf
import keras

if __name__ == "__main__":  # plots are for reading the notebook, not for grading
    import matplotlib.pyplot as plt

print("TensorFlow", tf.__version__, "| Keras", keras.__version__, "| backend:", keras.backend.backend())


w = tf.Variable([[1.0], [-2.0]], name="w")          # a (2, 1) weight, trainable by default
x = tf.constant([[1.0, 2.0], [3.0, 4.0]])           # two examples, two features
with tf.GradientTape() as tape:
    y = x @ w                                       # matrix product, shape (2, 1)
    loss = tf.reduce_mean(y ** 2)
print("y =", y.numpy().ravel(), " loss =", float(loss))
print("d loss / d w =", tape.gradient(loss, w).numpy().ravel())
# By hand: loss = mean(y_i^2), so d loss / d w = x^T (2 y / n)
print("by hand      =", (x.numpy().T @ (2 * y.numpy() / 2)).ravel())


class TinyRegressor(tf.Module):
    # y = x @ w + b, written with nothing but the Core API
    def __init__(self, n_features, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.zeros([n_features, 1]), name="w")
        self.b = tf.Variable(0.0, name="b")
        self.steps = tf.Variable(0, trainable=False, name="steps")   # state, not a weight

    def __call__(self, x):
        return x @ self.w + self.b


def sgd_step_by_hand(module, x, y, lr):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((module(x) - y) ** 2)
    grads = tape.gradient(loss, module.trainable_variables)
    for variable, grad in zip(module.trainable_variables, grads):
        variable.assign_sub(lr * grad)
    module.steps.assign_add(1)
    return float(loss)


if __name__ == "__main__":
    data_rng = np.random.default_rng(0)
    x_demo = data_rng.standard_normal((64, 2)).astype("float32")
    y_demo = x_demo @ np.array([[3.0], [-1.0]], dtype="float32") + 0.5
    reg = TinyRegressor(2)
    print("trainable:", [v.name for v in reg.trainable_variables], "| all:", [v.name for v in reg.variables])
    losses = [sgd_step_by_hand(reg, x_demo, y_demo, lr=0.1) for _ in range(60)]
    print(f"loss {losses[0]:.3f} -> {losses[-1]:.5f} after {int(reg.steps.numpy())} steps;",
          "w =", reg.w.numpy().ravel().round(3), "b =", round(float(reg.b.numpy()), 3))


@tf.custom_gradient
def stable_softplus(z):
    out = tf.maximum(z, 0.0) + tf.math.log1p(tf.exp(-tf.abs(z)))

    def grad(upstream):                 # upstream = d loss / d out, same shape as out
        return upstream * tf.sigmoid(z)

    return out, grad


z = tf.constant([-100.0, -1.0, 0.0, 1.0, 100.0])
with tf.GradientTape(persistent=True) as tape:
    tape.watch(z)                       # z is a constant, not a variable: watch it explicitly
    naive = tf.math.log(1.0 + tf.exp(z))
    stable = stable_softplus(z)
print("naive      :", naive.numpy(), " grad:", tape.gradient(naive, z).numpy())
print("stable     :", stable.numpy(), " grad:", tape.gradient(stable, z).numpy())
del tape


@keras.saving.register_keras_serializable(package="course_demo")
class FeatureScale(keras.layers.Layer):
    # Multiplies each input feature by its own learned factor: y = x * gamma.

    def __init__(self, init_value=1.0, **kwargs):
        super().__init__(**kwargs)          # name=, dtype=, trainable= are handled here
        self.init_value = float(init_value)  # a hyper-parameter: no weights yet

    def build(self, input_shape):           # called once, with the first input's shape
        self.gamma = self.add_weight(
            shape=(input_shape[-1],),
            initializer=keras.initializers.Constant(self.init_value),
            name="gamma",
        )

    def call(self, inputs):
        return inputs * self.gamma

    def get_config(self):
        config = super().get_config()
        config.update({"init_value": self.init_value})
        return config


scale = FeatureScale(2.0, name="scale")
print("before the first call:", scale.weights)
print("output:", scale(tf.ones((2, 3))).numpy().tolist())
print("after:", [(w.path, tuple(w.shape)) for w in scale.weights])
config = scale.get_config()
print("config:", config)
print("a clone from the config:", FeatureScale.from_config(config).init_value)
print("activations:", keras.activations.get("relu"), keras.activations.serialize(keras.activations.get(None)))


class NoKwargs(keras.layers.Layer):
    # The mistake: __init__ takes no **kwargs, so the base class's arguments cannot reach it.
    def __init__(self, units):
        super().__init__()
        self.units = units

    def get_config(self):
        return {**super().get_config(), "units": self.units}


for attempt, make in [("NoKwargs(2, name='a')", lambda: NoKwargs(2, name="a")),
                      ("NoKwargs.from_config(...)", lambda: NoKwargs.from_config(NoKwargs(2).get_config()))]:
    try:
        make()
        print(attempt, "worked")
    except TypeError as err:
        print(f"{attempt}: TypeError, {str(err).splitlines()[-1].strip()}")


if __name__ == "__main__":
    import os
    import tempfile
    import warnings

    demo = keras.Sequential([keras.Input((3,)), FeatureScale(0.5), keras.layers.Dense(2)])
    path = os.path.join(tempfile.mkdtemp(), "demo.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        demo.save(path)
    restored = keras.saving.load_model(path)
    probe_x = np.arange(6, dtype="float32").reshape(2, 3)
    print("same outputs after load:", np.allclose(demo(probe_x), restored(probe_x)))
    print("restored layers:", [type(layer).__name__ for layer in restored.layers])


@keras.saving.register_keras_serializable(package="course03")
class LinearLayer(keras.layers.Layer):
    """A fully connected layer: activation(x @ kernel + bias), weights created lazily in build."""

    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)  # name=, dtype=, trainable= are the base class's
        self.units = int(units)
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(int(input_shape[-1]), self.units),
                                      initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return self.activation(tf.matmul(inputs, self.kernel) + self.bias)

    def get_config(self):
        base = super().get_config()
        return {**base, "units": self.units, "activation": keras.activations.serialize(self.activation)}


def draw_blocks(ax, boxes, arrows, title):
    # boxes: {key: (x, y, label)}; arrows: [(from_key, to_key, label)]. A tiny diagram helper.
    for x, y, label in boxes.values():
        ax.text(x, y, label, ha="center", va="center", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.4", fc="#e8f0fe", ec="#1a73e8"))
    for a, b, label in arrows:
        (x0, y0, _), (x1, y1, _) = boxes[a], boxes[b]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="->", shrinkA=14, shrinkB=14, color="#444"))
        if label:
            ax.text((x0 + x1) / 2 + 0.05, (y0 + y1) / 2, label, fontsize=8, color="#a50e0e")
    ax.set_xlim(-1.2, 1.2)
    ax.set_ylim(-0.5, max(y for _, y, _ in boxes.values()) + 0.5)
    ax.set_title(title, fontsize=10)
    ax.axis("off")


if __name__ == "__main__":
    boxes = {"x": (0, 5, "x  (width d)"), "l1": (-0.5, 4, "L1 = LinearLayer(units, relu)"),
             "l2": (-0.5, 3, "L2 = LinearLayer(units)"),
             "s": (0.6, 3.5, "s(x): x if d == units\nelse LinearLayer(units)"),
             "add": (0, 2, "+"), "relu": (0, 1, "relu"), "y": (0, 0, "output (width units)")}
    arrows = [("x", "l1", ""), ("l1", "l2", ""), ("x", "s", "shortcut"), ("l2", "add", ""),
              ("s", "add", ""), ("add", "relu", ""), ("relu", "y", "")]
    fig, ax = plt.subplots(figsize=(5, 4.5))
    draw_blocks(ax, boxes, arrows, "ResidualBlock(units)")
    plt.show()


class GatedDense(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units)                           # tracked: an attribute
        self.gate = keras.layers.Dense(units, activation="sigmoid")

    def call(self, inputs):
        return self.dense(inputs) * self.gate(inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


gated_layer = GatedDense(3)
print("weights before the first call:", len(gated_layer.weights))
print("output shape:", tuple(gated_layer(tf.ones((2, 5))).shape))
print("weights after:", [(w.path, tuple(w.shape)) for w in gated_layer.weights])


@keras.saving.register_keras_serializable(package="course03")
class ResidualBlock(keras.layers.Layer):
    """relu(L2(relu(L1(x))) + s(x)); s is the identity, or a LinearLayer projection when widths differ."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)  # keeps name=, dtype=, trainable=
        self.units = int(units)
        self.linear1 = LinearLayer(self.units, activation="relu")
        self.linear2 = LinearLayer(self.units)
        self.projection = None

    def build(self, input_shape):
        if int(input_shape[-1]) != self.units:
            self.projection = LinearLayer(self.units)

    def call(self, inputs):
        shortcut = inputs if self.projection is None else self.projection(inputs)
        return tf.nn.relu(self.linear2(self.linear1(inputs)) + shortcut)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


class NoisyRegressor(keras.Model):
    def __init__(self, hidden, noise=0.1, **kwargs):
        super().__init__(**kwargs)
        self.noise = keras.layers.GaussianNoise(noise)
        self.hidden = keras.layers.Dense(hidden, activation="relu")
        self.head = keras.layers.Dense(1)

    def call(self, inputs, training=False):
        h = self.noise(inputs, training=training)   # noise only when training
        return self.head(self.hidden(h))


noisy = NoisyRegressor(4, name="noisy")
x_small = tf.ones((2, 3))
a, b = noisy(x_small), noisy(x_small)                                # training=False
c, d = noisy(x_small, training=True), noisy(x_small, training=True)  # noisy
print("inference is deterministic:", np.allclose(a, b), "| training differs:", not np.allclose(c, d))
noisy.summary()


class MLPModel(keras.Model):
    """An MLP classifier: per hidden size a ReLU layer and dropout, then a linear layer giving logits."""

    def __init__(self, hidden_units, num_classes, dropout=0.0, **kwargs):
        super().__init__(**kwargs)  # keras.Model's own keyword arguments
        self.hidden_layers = [keras.layers.Dense(int(h), activation="relu") for h in hidden_units]
        self.dropouts = [keras.layers.Dropout(dropout) for _ in hidden_units]
        self.classifier = keras.layers.Dense(int(num_classes))

    def call(self, inputs, training=False):
        h = inputs
        for dense, drop in zip(self.hidden_layers, self.dropouts):
            h = drop(dense(h), training=training)
        return self.classifier(h)


v = keras.Variable(0.0, name="v")                          # trainable
frozen = keras.Variable(1.0, name="frozen", trainable=False)
opt = keras.optimizers.SGD(learning_rate=0.1)
for step in range(3):
    with tf.GradientTape() as tape:
        loss = (v * frozen - 3.0) ** 2
    grad_v, grad_frozen = tape.gradient(loss, [v, frozen])
    opt.apply_gradients([(grad_v, v)])
    print(f"step {step}: loss before the update {float(loss):.3f}, v now {float(v.numpy()):.3f}, "
          f"gradient for the non-trainable variable: {grad_frozen}")

frozen_layer, head = keras.layers.Dense(2), keras.layers.Dense(1)
stack = keras.Sequential([keras.Input((3,)), frozen_layer, head])
frozen_layer.trainable = False
print("trainable variables:", [w.path for w in stack.trainable_variables])
with tf.GradientTape() as tape:
    out = tf.reduce_sum(stack(tf.ones((1, 3))))
print("gradient of the frozen kernel exists:", tape.gradient(out, frozen_layer.kernel) is not None)


def train_step(model, optimizer, loss_fn, x, y):
    """One gradient-descent step on the batch (x, y); returns the loss before the update, as a float."""
    with tf.GradientTape() as grad_tape:
        predictions = model(x, training=True)
        batch_loss = loss_fn(y, predictions)
    trainable = model.trainable_variables
    optimizer.apply_gradients(zip(grad_tape.gradient(batch_loss, trainable), trainable))
    return float(batch_loss)


batch_losses, batch_sizes = [1.0, 1.0, 4.0], [16, 16, 8]
unweighted, weighted = keras.metrics.Mean(), keras.metrics.Mean()
for batch_loss, size in zip(batch_losses, batch_sizes):
    unweighted.update_state(batch_loss)
    weighted.update_state(batch_loss, sample_weight=size)
print(f"mean of the batch losses: {float(unweighted.result()):.2f}   "
      f"mean over the samples (as Keras reports it): {float(weighted.result()):.2f}")

if __name__ == "__main__":
    inputs = keras.Input((2,))
    outputs = keras.layers.Dense(1)(inputs)
    plain = keras.Model(inputs=inputs, outputs=outputs)
    plain.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    history = plain.fit(x_demo, y_demo, epochs=3, batch_size=32, verbose=0)
    print("metric objects:", [m.name for m in plain.metrics])
    print("history:", {k: np.round(v, 3).tolist() for k, v in history.history.items()})


class CustomFitModel(keras.Model):
    """A keras.Model whose fit() runs our own train_step."""

    def train_step(self, data):
        # TODO 1: unpack the batch into x, y and sample_weight.
        # TODO 2: inside a tf.GradientTape, run the model on x in training mode and compute the loss
        #         with self.compute_loss.
        # TODO 3: differentiate the loss with respect to self.trainable_variables and apply the
        #         gradients with self.optimizer.
        # TODO 4: update the metrics: the "loss" tracker with the loss, weighted by the number of
        #         samples in the batch; every other metric with y, y_pred and sample_weight.
        # TODO 5: return a dict from each metric's name to its result().
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as grad_tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        trainable = self.trainable_variables
        self.optimizer.apply_gradients(zip(grad_tape.gradient(loss, trainable), trainable))
        batch_size = tf.shape(tf.nest.flatten(x)[0])[0]
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss, sample_weight=batch_size)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}


if __name__ == "__main__":
    import tempfile
    from IPython.display import Image, display

    with needs("LinearLayer", "ResidualBlock"):
        inputs = keras.Input((6,), name="features")
        h = LinearLayer(16, activation="relu", name="stem")(inputs)
        h = ResidualBlock(16, name="block_same_width")(h)
        h = ResidualBlock(8, name="block_projected")(h)
        logits = LinearLayer(3, name="logits")(h)
        net = keras.Model(inputs=inputs, outputs=logits, name="custom_net")
        net.summary()
        picture = os.path.join(tempfile.mkdtemp(), "custom_net.png")
        keras.utils.plot_model(net, to_file=picture, show_shapes=True, show_layer_names=True, dpi=60)
        display(Image(filename=picture))


if __name__ == "__main__":
    with needs("MLPModel"):
        mlp = MLPModel([16, 8], num_classes=3, dropout=0.2, name="mlp")
        mlp(np.zeros((1, 6), dtype="float32"))   # one call builds a subclassed model
        mlp.summary()

    def make(cls):
        keras.utils.set_random_seed(1)
        inputs = keras.Input((2,))
        model = cls(inputs=inputs, outputs=keras.layers.Dense(1)(inputs))
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
        return model

    with needs("CustomFitModel"):
        curves = {}
        for cls in (CustomFitModel, keras.Model):          # yours first: a stub stops before any training
            curves[cls.__name__] = make(cls).fit(x_demo, y_demo, epochs=15, batch_size=24, shuffle=False,
                                                 verbose=0).history
        fig, ax = plt.subplots(figsize=(5, 3))
        for label, style in (("Model", "-"), ("CustomFitModel", "--")):
            ax.plot(curves[label]["loss"], style, label=f"{label}: loss")
        ax.set_xlabel("epoch"); ax.set_ylabel("training loss (MSE)"); ax.legend(); ax.set_yscale("log")
        plt.show()
