"""Hidden tests of CustomFitModel: a keras.Model whose own train_step drives fit, reports
loss and compiled metrics, and trains as Keras's built-in step does."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_fit(mod, x, y, kernel, bias, lr, epochs, task, with_plain):
    cls = mod.CustomFitModel
    is_model = isinstance(cls, type) and issubclass(cls, keras.Model)
    out = {"is_model": is_model, "overrides": is_model and cls.train_step is not keras.Model.train_step}
    if not is_model:
        return out

    def fit(model_class):
        inputs = keras.Input((x.shape[1],))
        dense = keras.layers.Dense(kernel.shape[1])
        model = model_class(inputs=inputs, outputs=dense(inputs))
        dense.set_weights([kernel, bias])
        if task == "regression":
            model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse", metrics=["mae"])
        else:
            model.compile(optimizer=keras.optimizers.SGD(lr), metrics=["accuracy"],
                          loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        history = model.fit(x, y, epochs=epochs, batch_size=len(x), shuffle=False, verbose=0).history
        return {str(k): [float(v) for v in values] for k, values in history.items()}

    out["custom"] = fit(cls)
    if with_plain:
        out["plain"] = fit(keras.Model)
    return out


def _problem(rng, task):
    n, d = int(rng.integers(24, 48)), int(rng.integers(2, 5))
    x = rng.standard_normal((n, d)).astype("float32")
    if task == "regression":
        y = (x @ rng.normal(0, 1, (d, 1)) + rng.normal(0, 0.5) + 0.05 * rng.standard_normal((n, 1)))
        kernel, bias = np.zeros((d, 1), "float32"), np.zeros(1, "float32")
    else:
        c = int(rng.integers(2, 4))
        y = np.argmax(x @ rng.normal(0, 2, (d, c)), axis=1)
        kernel, bias = rng.normal(0, 0.1, (d, c)).astype("float32"), np.zeros(c, "float32")
    return x, y.astype("float32"), kernel, bias, float(rng.uniform(0.1, 0.3)), int(rng.integers(5, 9))


@graded("CustomFitModel", points=1)
def test_custom_fit_model_overrides_train_step(sub, rng):
    got = sub.run(probe_fit, *_problem(rng, "regression"), "regression", False)
    expect(got["is_model"], "CustomFitModel should be a subclass of keras.Model")
    expect(got["overrides"], "CustomFitModel should override train_step, so that fit runs your own step")
    expect(len(got["custom"].get("loss", [])) > 0, "fit on a CustomFitModel should report a loss")


@graded("CustomFitModel", points=1)
def test_custom_fit_model_history_reports_loss_and_compiled_metric(sub, rng):
    problem = _problem(rng, "regression")
    got = sub.run(probe_fit, *problem, "regression", False)
    history = got.get("custom", {})
    expect("loss" in history and "mae" in history,
           "compiled with metrics=['mae'], fit on a CustomFitModel should report 'loss' and 'mae' in its "
           "history: return a dict of every metric's result from train_step")
    expect(len(history["loss"]) == problem[-1] and len(history["mae"]) == problem[-1],
           "the history should hold one loss and one metric value per epoch")


@graded("CustomFitModel", points=1)
def test_custom_fit_model_loss_decreases(sub, rng):
    problem = _problem(rng, "regression")
    got = sub.run(probe_fit, *problem, "regression", False)
    loss = np.asarray(got.get("custom", {}).get("loss", [np.nan]), dtype=np.float64)
    expect(bool(np.all(np.isfinite(loss))) and len(loss) > 1 and loss[-1] < 0.8 * loss[0],
           "on an easy linear regression, the loss reported by fit on a CustomFitModel should decrease "
           "over the epochs (is the loss tracked, and are the gradients applied?)")


@graded("CustomFitModel", points=2)
def test_custom_fit_model_matches_keras_fit(sub, rng):
    got = sub.run(probe_fit, *_problem(rng, "classification"), "classification", True)
    custom, plain = got.get("custom", {}), got["plain"]
    for key in ("loss", "accuracy"):
        expect(key in custom, f"fit on a CustomFitModel compiled with metrics=['accuracy'] should report '{key}'")
        close(custom[key], plain[key],
              f"the '{key}' history of CustomFitModel.fit differs from what keras.Model.fit gives from the "
              "same weights and data: one gradient step per batch, with the compiled loss and metrics",
              rtol=1e-4, atol=1e-5)
