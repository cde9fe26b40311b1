"""Hidden tests of train_step: the loss before the update, one SGD step on the trainable
weights, non-trainable variables untouched.

The model is x -> FixedScale (a variable created non-trainable) -> a frozen Dense (a layer set
trainable=False after it was built, whose variables a tape still watches) -> a trainable Dense,
so a step over model.weights or model.variables moves the frozen kernel. A Boost layer after the
frozen one scales by a factor drawn for the run in training mode only (a deterministic stand-in for
dropout), so a step that does not run the model with training=True computes another loss."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_train_step(mod, x, y, frozen_kernel, frozen_bias, kernel, bias, scale, lr, boost, loss_kind):
    class FixedScale(keras.layers.Layer):
        # multiplies its inputs by a non-trainable scalar
        def __init__(self, value, **kwargs):
            super().__init__(**kwargs)
            self.value = value

        def build(self, input_shape):
            self.s = self.add_weight(shape=(), initializer=keras.initializers.Constant(self.value),
                                     trainable=False, name="s")

        def call(self, inputs):
            return inputs * self.s

    class Boost(keras.layers.Layer):
        # multiplies its inputs by a constant in training mode, passes them through otherwise
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, inputs, training=None):
            return inputs * self.factor if training else inputs

    fixed, frozen, dense = FixedScale(scale), keras.layers.Dense(frozen_kernel.shape[1]), keras.layers.Dense(kernel.shape[1])
    model = keras.Sequential([keras.Input((frozen_kernel.shape[0],)), fixed, frozen, Boost(boost), dense])
    frozen.set_weights([frozen_kernel, frozen_bias])
    frozen.trainable = False
    dense.set_weights([kernel, bias])
    if loss_kind == "mse":
        loss_fn = keras.losses.MeanSquaredError()
    else:
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    out = mod.train_step(model, keras.optimizers.SGD(learning_rate=lr), loss_fn, tf.constant(x), tf.constant(y))
    is_float = isinstance(out, (float, np.floating))
    return {"loss": float(out) if is_float else None, "type": type(out).__name__,
            "kernel": dense.kernel.numpy(), "bias": dense.bias.numpy(), "s": float(fixed.s.numpy()),
            "frozen_kernel": frozen.kernel.numpy(), "frozen_bias": frozen.bias.numpy()}


def _problem(rng, loss_kind):
    n, d, h, c = int(rng.integers(4, 9)), int(rng.integers(2, 6)), int(rng.integers(2, 6)), int(rng.integers(2, 5))
    x = rng.standard_normal((n, d)).astype("float32")
    frozen_kernel = rng.normal(0, 0.7, (d, h)).astype("float32")
    frozen_bias = rng.normal(0, 0.3, h).astype("float32")
    kernel = rng.normal(0, 0.5, (h, c)).astype("float32")
    bias = rng.normal(0, 0.5, c).astype("float32")
    scale, lr, boost = float(rng.uniform(0.5, 1.5)), float(rng.uniform(0.05, 0.3)), float(rng.uniform(1.5, 2.5))
    y = (rng.standard_normal((n, c)) if loss_kind == "mse" else rng.integers(0, c, n)).astype("float32")
    return x, y, frozen_kernel, frozen_bias, kernel, bias, scale, lr, boost


def _expected(x, y, frozen_kernel, frozen_bias, kernel, bias, scale, lr, boost, loss_kind):
    """Loss before the step and the trainable weights after one SGD step (model run in training mode), by
    hand in NumPy."""
    z = ((np.float32(scale) * x.astype(np.float64)) @ frozen_kernel + frozen_bias) * boost
    pred = z @ kernel + bias
    if loss_kind == "mse":
        loss = np.mean((pred - y) ** 2)
        grad = 2 * (pred - y) / pred.size
    else:
        logits = pred - pred.max(axis=1, keepdims=True)
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        onehot = np.eye(pred.shape[1])[y.astype(int)]
        loss = -np.mean(np.log((p * onehot).sum(axis=1)))
        grad = (p - onehot) / len(y)
    return loss, kernel - lr * z.T @ grad, bias - lr * grad.sum(axis=0)


@graded("train_step", points=2)
def test_train_step_returns_loss_before_the_update(sub, rng):
    problem = _problem(rng, "crossentropy")
    got = sub.run(probe_train_step, *problem, "crossentropy")
    expect(got["loss"] is not None, "train_step should return the loss as a Python float (e.g. float(loss)), "
                                    f"not a {got['type']}")
    loss, _, _ = _expected(*problem, "crossentropy")
    close(got["loss"], loss, "train_step should return loss_fn(y, model(x, training=True)) computed with the "
                             "weights before the update", rtol=1e-4, atol=1e-5)


@graded("train_step", points=2)
def test_train_step_applies_one_sgd_step_to_trainable_weights(sub, rng):
    problem = _problem(rng, "mse")
    got = sub.run(probe_train_step, *problem, "mse")
    _, kernel, bias = _expected(*problem, "mse")
    close(got["kernel"], kernel, "after train_step the kernel is not what one optimizer step on the gradient "
                                 "of loss_fn(y, model(x, training=True)) gives", rtol=1e-4, atol=1e-5)
    close(got["bias"], bias, "after train_step the bias is not what one optimizer step on the gradient "
                             "of loss_fn(y, model(x, training=True)) gives", rtol=1e-4, atol=1e-5)


@graded("train_step", points=2)
def test_train_step_leaves_non_trainable_variables_alone(sub, rng):
    kind = "mse" if rng.random() < 0.5 else "crossentropy"
    problem = _problem(rng, kind)
    got = sub.run(probe_train_step, *problem, kind)
    _, kernel, bias = _expected(*problem, kind)
    close(got["kernel"], kernel, "train_step should take one optimizer step on the model's trainable weights",
          rtol=1e-4, atol=1e-5)
    close(got["bias"], bias, "train_step should take one optimizer step on the model's trainable weights",
          rtol=1e-4, atol=1e-5)
    x, y, frozen_kernel, frozen_bias, _, _, scale, _, _ = problem
    close(got["s"], np.float32(scale), "train_step changed a non-trainable variable of the model: "
                                       "update model.trainable_variables only", rtol=0, atol=1e-7)
    close(got["frozen_kernel"], frozen_kernel, "train_step changed the weights of a frozen layer "
          "(trainable=False): differentiate and update model.trainable_variables only", rtol=0, atol=1e-7)
    close(got["frozen_bias"], frozen_bias, "train_step changed the weights of a frozen layer "
          "(trainable=False): differentiate and update model.trainable_variables only", rtol=0, atol=1e-7)
