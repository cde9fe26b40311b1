"""Hidden tests of HistoryRecorder: a callback whose .history equals fit's own History, one
list per metric (validation metrics included), one float per epoch, kept per instance."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_recorders(mod, runs):
    """Make one recorder per run first, then fit each run with its own recorder."""
    recorders = [mod.HistoryRecorder() for _ in runs]
    out = []
    for recorder, (x, y, xv, yv, kernel, lr, epochs, batch) in zip(recorders, runs):
        model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(kernel.shape[1], activation="softmax")])
        model.layers[-1].set_weights([kernel, np.zeros(kernel.shape[1], "float32")])
        model.compile(optimizer=keras.optimizers.SGD(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, validation_data=(xv, yv), epochs=epochs, batch_size=batch, shuffle=False,
                            verbose=0, callbacks=[recorder]).history
        recorded = recorder.history
        if not isinstance(recorded, dict):
            out.append({"error": f"HistoryRecorder.history is a {type(recorded).__name__}, not a dict"})
            continue
        try:
            recorded = {str(k): [float(v) for v in values] for k, values in recorded.items()}
        except (TypeError, ValueError):
            out.append({"error": "HistoryRecorder.history should map each metric name to a list of floats"})
            continue
        out.append({"error": None, "recorded": recorded,
                    "fit": {str(k): [float(v) for v in values] for k, values in history.items()}})
    return out


def _run(rng):
    n, d, c = int(rng.integers(40, 80)), int(rng.integers(2, 6)), int(rng.integers(2, 4))
    x = rng.standard_normal((n, d)).astype("float32")
    y = np.argmax(x @ rng.normal(0, 2, (d, c)), axis=1).astype("int64")
    xv = rng.standard_normal((int(rng.integers(10, 30)), d)).astype("float32")
    yv = rng.integers(0, c, len(xv)).astype("int64")
    kernel = rng.normal(0, 0.3, (d, c)).astype("float32")
    return x, y, xv, yv, kernel, float(rng.uniform(0.05, 0.3)), int(rng.integers(2, 6)), int(rng.integers(8, 17))


def _compare(result, epochs):
    expect(result["error"] is None, str(result["error"]))
    recorded, fit = result["recorded"], result["fit"]
    expect(sorted(recorded) == sorted(fit),
           "HistoryRecorder.history should have exactly the metric names of fit's History "
           "(loss, the compiled metrics and their val_ versions)")
    for key in fit:
        expect(len(recorded[key]) == epochs,
               f"HistoryRecorder.history['{key}'] should hold one value per epoch")
        close(recorded[key], fit[key], f"HistoryRecorder.history['{key}'] differs from fit's History", rtol=1e-6, atol=1e-7)


@graded("HistoryRecorder", points=2)
def test_history_recorder_matches_fit_history(sub, rng):
    run = _run(rng)
    got = sub.run(probe_recorders, [run])
    _compare(got[0], run[6])


@graded("HistoryRecorder", points=1)
def test_history_recorder_instances_keep_their_own_history(sub, rng):
    runs = [_run(rng), _run(rng)]
    got = sub.run(probe_recorders, runs)
    for run, result in zip(runs, got):
        _compare(result, run[6])
