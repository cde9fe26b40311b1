"""Hidden tests of CustomFitModel: a keras.Model whose own train_step drives fit, reports
loss and compiled metrics, and trains as Keras's built-in step does.

Everything the learner's process reports (the history, the trained weights) is compared with
what keras.Model.fit gives from the same weights and data in a clean worker that never loaded
learner code, so patching fit (or anything else) in the learner's process cannot make both
sides agree. While CustomFitModel trains, Keras's own train_step is replaced by one that reports
nothing and trains nothing, so a class that does not override it (or hands the batch to
super()) gets nothing from it."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


def fitted(model_class, x, y, kernel, bias, lr, boost, batch_size, epochs, task):
    """(In a sandbox.) fit a one-Dense functional model_class from the given weights: its history
    and its trained weights. Before the Dense, a Boost layer scales the inputs by ``boost`` in
    training mode only (a deterministic stand-in for dropout), so a step that does not run the model
    with training=True trains and reports something else."""
    class Boost(keras.layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, inputs, training=None):
            return inputs * self.factor if training else inputs

    inputs = keras.Input((x.shape[1],))
    dense = keras.layers.Dense(kernel.shape[1])
    model = model_class(inputs=inputs, outputs=dense(Boost(boost)(inputs)))
    dense.set_weights([kernel, bias])
    if task == "regression":
        model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse", metrics=["mae"])
    else:
        model.compile(optimizer=keras.optimizers.SGD(lr), metrics=["accuracy"],
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0).history
    return {"history": {str(k): [float(v) for v in values] for k, values in history.items()},
            "kernel": np.asarray(dense.kernel.numpy(), dtype=np.float64),
            "bias": np.asarray(dense.bias.numpy(), dtype=np.float64)}


@probe(uses=[fitted])
def probe_fit(mod, x, y, kernel, bias, lr, boost, batch_size, epochs, task):
    cls = mod.CustomFitModel
    is_model = isinstance(cls, type) and issubclass(cls, keras.Model)
    out = {"is_model": is_model, "overrides": is_model and cls.train_step is not keras.Model.train_step}
    if not is_model:
        return out
    keras_step = keras.Model.train_step
    keras.Model.train_step = lambda self, data: {}
    try:
        out.update(fitted(cls, x, y, kernel, bias, lr, boost, batch_size, epochs, task))
    finally:
        keras.Model.train_step = keras_step
    return out


@probe(uses=[fitted])
def probe_keras_fit(mod, x, y, kernel, bias, lr, boost, batch_size, epochs, task):
    # (In a clean worker.) What keras.Model.fit gives from the same weights and data.
    return fitted(keras.Model, x, y, kernel, bias, lr, boost, batch_size, epochs, task)


def _problem(rng, task):
    # two or three equal batches an epoch: the epoch's loss is then the same whether the "loss" tracker is
    # weighted by batch size (Keras's own train_step) or not (Keras's guide to customising fit): the
    # Precisions ask only that fit reports loss
    batch_size = int(rng.integers(9, 17))
    n, d = batch_size * int(rng.choice([2, 3])), int(rng.integers(2, 5))
    x = rng.standard_normal((n, d)).astype("float32")
    if task == "regression":
        y = (x @ rng.normal(0, 1, (d, 1)) + rng.normal(0, 0.5) + 0.05 * rng.standard_normal((n, 1)))
        kernel, bias = np.zeros((d, 1), "float32"), np.zeros(1, "float32")
    else:
        c = int(rng.integers(2, 4))
        y = np.argmax(x @ rng.normal(0, 2, (d, c)), axis=1)
        kernel, bias = rng.normal(0, 0.1, (d, c)).astype("float32"), np.zeros(c, "float32")
    lr, boost, epochs = float(rng.uniform(0.1, 0.3)), float(rng.uniform(0.5, 0.8)), int(rng.integers(5, 9))
    return x, y.astype("float32"), kernel, bias, lr, boost, batch_size, epochs


def _both(sub, rng, task):
    """(the learner's fit, keras.Model's fit in a clean worker) on one problem drawn here."""
    problem = _problem(rng, task)
    got = sub.run(probe_fit, *problem, task)
    expect(got["is_model"], "CustomFitModel should be a subclass of keras.Model")
    return problem, got, sub.clean(probe_keras_fit, *problem, task)


def _history(got):
    history = got.get("history")
    return history if isinstance(history, dict) else {}


@graded("CustomFitModel", points=1)
def test_custom_fit_model_overrides_train_step(sub, rng):
    _, got, want = _both(sub, rng, "regression")
    expect(got["overrides"], "CustomFitModel should override train_step, so that fit runs your own step")
    expect(len(_history(got).get("loss", [])) > 0, "fit on a CustomFitModel should report a loss")
    for name in ("kernel", "bias"):
        close(got.get(name), want[name], "after fit, a CustomFitModel's weights are not what one gradient step "
              "per batch on the compiled loss gives", rtol=1e-4, atol=1e-5)


@graded("CustomFitModel", points=1)
def test_custom_fit_model_history_reports_loss_and_compiled_metric(sub, rng):
    problem, got, want = _both(sub, rng, "regression")
    history = _history(got)
    expect("loss" in history and "mae" in history,
           "compiled with metrics=['mae'], fit on a CustomFitModel should report 'loss' and 'mae' in its "
           "history: return a dict of every metric's result from train_step")
    expect(len(history["loss"]) == problem[-1] and len(history["mae"]) == problem[-1],
           "the history should hold one loss and one metric value per epoch")
    close(history["mae"], want["history"]["mae"], "the 'mae' a CustomFitModel reports is not the compiled "
          "metric of its predictions: update it with (y, y_pred) at every step", rtol=1e-4, atol=1e-5)


@graded("CustomFitModel", points=1)
def test_custom_fit_model_loss_decreases(sub, rng):
    _, got, want = _both(sub, rng, "regression")
    loss = _history(got).get("loss", [np.nan])
    close(loss, want["history"]["loss"],
          "on an easy linear regression, the loss reported by fit on a CustomFitModel should be the compiled "
          "loss and decrease over the epochs (is the loss tracked, and are the gradients applied?)",
          rtol=1e-4, atol=1e-5)


@graded("CustomFitModel", points=2)
def test_custom_fit_model_matches_keras_fit(sub, rng):
    _, got, want = _both(sub, rng, "classification")
    custom = _history(got)
    for key in ("loss", "accuracy"):
        expect(key in custom, f"fit on a CustomFitModel compiled with metrics=['accuracy'] should report '{key}'")
        close(custom[key], want["history"][key],
              f"the '{key}' history of CustomFitModel.fit differs from what keras.Model.fit gives from the "
              "same weights and data: one gradient step per batch, with the compiled loss and metrics",
              rtol=1e-4, atol=1e-5)
