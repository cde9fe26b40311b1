"""Hidden tests of best_checkpoint: a ModelCheckpoint that saves the whole model (.keras) of the
epoch with the lowest val_loss, and only that one."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_best(mod, x, y, xv, yv, lr, epochs, path):
    import os
    import warnings

    callback = mod.best_checkpoint(path)
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse")
    snapshots = []

    class Snapshot(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append([np.array(w) for w in self.model.get_weights()])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(x, y, validation_data=(xv, yv), epochs=epochs, batch_size=len(x), shuffle=False,
                            verbose=0, callbacks=[callback, Snapshot()]).history
        out = {"val_loss": [float(v) for v in history["val_loss"]], "snapshots": snapshots,
               "exists": os.path.isfile(path), "loaded": None, "error": None}
        if out["exists"]:
            try:
                loaded = keras.saving.load_model(path)
            except Exception as exc:
                out["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
            else:
                out["loaded"] = [np.array(w) for w in loaded.get_weights()]
                out["is_model"] = isinstance(loaded, keras.Model)
                out["predicts"] = np.asarray(loaded.predict(xv, verbose=0))
    return out


def _problem(rng):
    """Validation targets halfway to the training targets: val_loss falls, then rises again."""
    d = int(rng.integers(2, 5))
    w = rng.normal(0, 1, (d, 1))
    w *= 2.0 / np.linalg.norm(w)
    x = rng.standard_normal((64, d)).astype("float32")
    x = (x - x.mean(0)) / x.std(0)
    xv = rng.standard_normal((32, d)).astype("float32")
    y = (x @ w).astype("float32")
    yv = (xv @ (w * rng.uniform(0.4, 0.6))).astype("float32")
    return x, y, xv, yv, float(rng.uniform(0.08, 0.12)), int(rng.integers(9, 13))


@graded("best_checkpoint", points=3)
def test_best_checkpoint_keeps_the_model_of_the_lowest_val_loss(sub, rng):
    x, y, xv, yv, lr, epochs = _problem(rng)
    got = sub.run(probe_best, x, y, xv, yv, lr, epochs, f"best_{int(rng.integers(10**9))}.keras")
    expect(got["exists"], "after fit with best_checkpoint(path), no file was written at path")
    expect(got["error"] is None,
           f"keras.saving.load_model could not load the checkpoint ({got['error']}): save the whole model, "
           "not only its weights")
    expect(got.get("is_model", False), "the checkpoint should load back as a keras.Model")
    val = np.asarray(got["val_loss"])
    best = int(np.argmin(val))
    expect(len(got["loaded"]) == len(got["snapshots"][best]), "the checkpoint does not hold the model's weights")
    matches = [all(np.allclose(a, b, rtol=1e-6, atol=1e-7) for a, b in zip(got["loaded"], snap))
               for snap in got["snapshots"]]
    which = [i for i, m in enumerate(matches) if m]
    expect(matches[best],
           f"validation loss was lowest after epoch {best + 1} of {epochs}, but the checkpoint holds the weights of "
           + (f"epoch {which[-1] + 1}" if which else "no epoch's end")
           + ": keep only the best val_loss (lower is better)")
    close(got["predicts"], xv @ got["snapshots"][best][0] + got["snapshots"][best][1],
          "the loaded checkpoint does not predict as the best epoch's model did", rtol=1e-4, atol=1e-5)


@probe
def probe_config(mod, path):
    callback = mod.best_checkpoint(path)
    return {"type": type(callback).__name__, "is_checkpoint": isinstance(callback, keras.callbacks.ModelCheckpoint),
            "monitor": getattr(callback, "monitor", None), "best_only": bool(getattr(callback, "save_best_only", False)),
            "weights_only": bool(getattr(callback, "save_weights_only", True)),
            "filepath": str(getattr(callback, "filepath", ""))}


@graded("best_checkpoint", points=1)
def test_best_checkpoint_is_a_configured_model_checkpoint(sub, rng):
    path = f"ckpt_{int(rng.integers(10**9))}.keras"
    got = sub.run(probe_config, path)
    expect(got["is_checkpoint"], f"best_checkpoint should return a keras.callbacks.ModelCheckpoint, not a {got['type']}")
    expect(got["filepath"] == path, "best_checkpoint(path) should save to exactly the path it is given")
    expect(got["monitor"] == "val_loss", "best_checkpoint should monitor 'val_loss'")
    expect(got["best_only"], "best_checkpoint should only save when val_loss improves (save_best_only)")
    expect(not got["weights_only"], "best_checkpoint should save the whole model (.keras), not only the weights")
