"""Hidden tests of StopAtThreshold: stop at the end of the first epoch whose monitored value
crosses the threshold (<= for names ending in 'loss', >= otherwise); a missing monitor does nothing."""
import numpy as np

from dlcourse.grading import expect, graded, probe


@probe
def probe_drive(mod, monitor, threshold, epochs_logs):
    """Drive the callback through epochs by hand; return the epoch at which it stopped training."""
    callback = mod.StopAtThreshold(monitor, threshold)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin({})
    for epoch, logs in enumerate(epochs_logs):
        callback.on_epoch_begin(epoch, {})
        callback.on_epoch_end(epoch, dict(logs))
        if model.stop_training:
            return epoch
    return None


def _sequence(rng, is_loss, stop, epochs, exact):
    """Values that stay on the far side of the threshold before `stop`, cross it at `stop`."""
    threshold = float(rng.uniform(0.2, 0.8))
    sign = 1.0 if is_loss else -1.0          # loss: above until the stop; otherwise below
    values = [threshold + sign * float(rng.uniform(0.01, 0.3)) for _ in range(epochs)]
    values[stop] = threshold if exact else threshold - sign * float(rng.uniform(0.01, 0.1))
    for i in range(stop + 1, epochs):        # later epochs: either side
        values[i] = threshold + float(rng.uniform(-0.2, 0.2))
    return threshold, values


def _logs(rng, monitor, values):
    """Per-epoch logs holding the monitor and decoys (the other usual keys, with other values)."""
    keys = ["loss", "accuracy", "val_loss", "val_accuracy"]
    rows = []
    for value in values:
        row = {k: float(rng.uniform(0.0, 1.0)) for k in keys if k != monitor}
        row[monitor] = value
        rows.append(row)
    return rows


def _check_stops(sub, rng, monitors, is_loss, direction):
    for monitor in monitors:
        epochs = int(rng.integers(5, 10))
        for exact in (False, True):
            stop = int(rng.integers(1, epochs - 1))
            threshold, values = _sequence(rng, is_loss, stop, epochs, exact)
            got = sub.run(probe_drive, monitor, threshold, _logs(rng, monitor, values))
            expect(got is not None,
                   f"StopAtThreshold('{monitor}', threshold) never stopped training, though '{monitor}' reached "
                   f"a value {direction} the threshold{' (exactly equal to it)' if exact else ''}")
            expect(got == stop,
                   f"StopAtThreshold('{monitor}', threshold) stopped training at the end of epoch {got}; it should "
                   f"stop at the end of the first epoch whose '{monitor}' is {direction} the threshold"
                   f"{' (here: exactly equal to it)' if exact else ''}, epoch {stop}")


@graded("StopAtThreshold", points=2)
def test_stop_at_threshold_loss_monitors_stop_at_or_below(sub, rng):
    _check_stops(sub, rng, ["loss", "val_loss"], True, "at or below")


@graded("StopAtThreshold", points=2)
def test_stop_at_threshold_other_monitors_stop_at_or_above(sub, rng):
    _check_stops(sub, rng, ["accuracy", "val_accuracy", "val_auc"], False, "at or above")


@graded("StopAtThreshold", points=1)
def test_stop_at_threshold_missing_monitor_does_nothing(sub, rng):
    # First the job itself: with the monitor present, it stops where the value crosses (doing nothing earns nothing).
    monitor = ["val_loss", "val_accuracy"][int(rng.integers(0, 2))]
    epochs = int(rng.integers(5, 9))
    stop = int(rng.integers(1, epochs - 1))
    threshold, values = _sequence(rng, monitor.endswith("loss"), stop, epochs, False)
    got = sub.run(probe_drive, monitor, threshold, _logs(rng, monitor, values))
    # stopping at all is enough here: on which epoch (the direction of the comparison) is the tests' above
    expect(got is not None, f"StopAtThreshold('{monitor}', threshold) never stopped training, though '{monitor}' "
                            "crossed the threshold")
    for monitor, threshold in (("val_loss", 1e6), ("val_accuracy", -1e6), ("val_loss", -1e6), ("val_accuracy", 1e6)):
        rows = [{"loss": float(v), "accuracy": float(a)}
                for v, a in zip(rng.uniform(0.1, 2.0, 4), rng.uniform(0.0, 1.0, 4))]
        got = sub.run(probe_drive, monitor, threshold, rows)
        expect(got is None,
               f"StopAtThreshold('{monitor}', ...) stopped training though the logs have no '{monitor}' "
               "(no validation data): a missing monitor should do nothing")


@probe
def probe_fit(mod, x, y, settings, epochs):
    lengths = []
    for monitor, threshold in settings:
        model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, epochs=epochs, batch_size=len(x), verbose=0,
                            callbacks=[mod.StopAtThreshold(monitor, threshold)])
        lengths.append(len(history.history["loss"]))
    return lengths


@graded("StopAtThreshold", points=1)
def test_stop_at_threshold_stops_a_real_fit(sub, rng):
    x = rng.standard_normal((int(rng.integers(16, 40)), 3)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    epochs = int(rng.integers(4, 7))
    settings = [("loss", 1e9), ("accuracy", -1.0), ("loss", -1.0), ("accuracy", 2.0)]
    got = sub.run(probe_fit, x, y, settings, epochs)
    expected = [1, 1, epochs, epochs]
    for (monitor, threshold), length, want in zip(settings, got, expected):
        expect(length == want,
               f"in model.fit, StopAtThreshold('{monitor}', {threshold:g}) let {length} epoch(s) of {epochs} run; "
               f"expected {want} (set self.model.stop_training = True at the end of the epoch that crosses)")
