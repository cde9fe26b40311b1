"""Hidden tests of HistoryRecorder: a callback whose .history equals fit's own History, one
list per metric (validation metrics included), one float per epoch, kept per instance.

The expected History comes from the same runs in a clean worker (no learner code loaded there)."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


def fit_run(run, callbacks):
    """The grader's small softmax classifier trained on one run's data, deterministically."""
    x, y, xv, yv, kernel, lr, epochs, batch = run
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(kernel.shape[1], activation="softmax")])
    model.layers[-1].set_weights([kernel, np.zeros(kernel.shape[1], "float32")])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, validation_data=(xv, yv), epochs=epochs, batch_size=batch, shuffle=False, verbose=0,
              callbacks=callbacks)


@probe(uses=[fit_run])
def probe_recorders(mod, runs):
    """Make one recorder per run first, then fit each run with its own recorder."""
    recorders = [mod.HistoryRecorder() for _ in runs]
    out = []
    for recorder, run in zip(recorders, runs):
        fit_run(run, [recorder])
        recorded = recorder.history
        if not isinstance(recorded, dict):
            out.append({"error": "HistoryRecorder.history should be a dict"})
            continue
        try:
            recorded = {str(k): [float(v) for v in values] for k, values in recorded.items()}
        except (TypeError, ValueError):
            out.append({"error": "HistoryRecorder.history should map each metric name to a list of floats"})
            continue
        out.append({"error": None, "recorded": recorded})
    return out


@probe(uses=[fit_run])
def probe_reference(mod, runs):
    """In the clean worker: fit's own History of each run."""
    out = []
    for run in runs:
        history = keras.callbacks.History()
        fit_run(run, [history])
        out.append({str(k): [float(v) for v in values] for k, values in history.history.items()})
    return out


def _run(rng):
    n, d, c = int(rng.integers(40, 80)), int(rng.integers(2, 6)), int(rng.integers(2, 4))
    x = rng.standard_normal((n, d)).astype("float32")
    y = np.argmax(x @ rng.normal(0, 2, (d, c)), axis=1).astype("int64")
    xv = rng.standard_normal((int(rng.integers(10, 30)), d)).astype("float32")
    yv = rng.integers(0, c, len(xv)).astype("int64")
    kernel = rng.normal(0, 0.3, (d, c)).astype("float32")
    return x, y, xv, yv, kernel, float(rng.uniform(0.05, 0.3)), int(rng.integers(2, 6)), int(rng.integers(8, 17))


def _compare(result, fit, epochs):
    expect(isinstance(result, dict) and result.get("error") is None and isinstance(result.get("recorded"), dict),
           "HistoryRecorder.history should be a dict mapping each metric name to a list of floats")
    recorded = result["recorded"]
    expect(sorted(recorded) == sorted(fit),
           "HistoryRecorder.history should have exactly the metric names of fit's History "
           "(loss, the compiled metrics and their val_ versions)")
    for key in fit:
        expect(len(recorded[key]) == epochs,
               f"HistoryRecorder.history['{key}'] should hold one value per epoch")
        close(recorded[key], fit[key], f"HistoryRecorder.history['{key}'] differs from fit's History", rtol=1e-5, atol=1e-6)


def _check(sub, runs):
    got = sub.run(probe_recorders, runs)
    expect(isinstance(got, list) and len(got) == len(runs), "HistoryRecorder did not record the runs")
    reference = sub.clean(probe_reference, runs)
    for run, result, fit in zip(runs, got, reference):
        _compare(result, fit, run[6])


@graded("HistoryRecorder", points=2)
def test_history_recorder_matches_fit_history(sub, rng):
    _check(sub, [_run(rng)])


@graded("HistoryRecorder", points=1)
def test_history_recorder_instances_keep_their_own_history(sub, rng):
    _check(sub, [_run(rng), _run(rng)])
