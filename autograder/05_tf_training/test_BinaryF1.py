"""Hidden tests of BinaryF1: a stateful keras.metrics.Metric giving the F1 of everything seen since
the last reset (positive when y_pred > 0.5), 0 when undefined, usable inside model.evaluate."""
import numpy as np
from sklearn import metrics

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_stream(mod, phases, as_tensor):
    """phases: lists of (y_true, y_pred) batches; reset_state between phases; result after each batch."""
    metric = mod.BinaryF1()
    if not isinstance(metric, keras.metrics.Metric):
        return {"error": f"BinaryF1() should be a keras.metrics.Metric, got a {type(metric).__name__}"}
    out = []
    for k, batches in enumerate(phases):
        if k:
            metric.reset_state()
            out.append([float(metric.result())])
        results = []
        for y_true, y_pred in batches:
            if as_tensor:
                y_true, y_pred = tf.constant(y_true), tf.constant(y_pred)
            metric.update_state(y_true, y_pred)
            results.append(float(metric.result()))
        out.append(results)
    return {"error": None, "results": out}


@probe
def probe_evaluate(mod, x, y, kernel, bias, batch_size):
    inputs = keras.Input((x.shape[1],))
    dense = keras.layers.Dense(1, activation="sigmoid")
    model = keras.Model(inputs, dense(inputs))
    dense.set_weights([kernel, bias])
    model.compile(loss="binary_crossentropy", metrics=[mod.BinaryF1()])
    out = model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
    return {str(k): float(v) for k, v in out.items()}


def _batches(rng, count, column):
    batches = []
    for _ in range(count):
        n = int(rng.integers(3, 40))
        y_true = (rng.random(n) < rng.uniform(0.2, 0.8)).astype("float32")
        y_pred = np.clip(0.5 + (y_true - 0.5) * rng.uniform(-0.6, 1.0, n), 0, 1).astype("float32")
        y_pred[rng.random(n) < 0.1] = 0.5              # exactly 0.5 is not positive
        if column:
            y_true, y_pred = y_true[:, None], y_pred[:, None]
        batches.append((y_true, y_pred))
    return batches


def _f1(batches):
    if not batches:
        return 0.0
    y_true = np.concatenate([b[0].ravel() for b in batches])
    y_pred = np.concatenate([b[1].ravel() for b in batches]) > 0.5
    return metrics.f1_score(y_true.astype(int), y_pred.astype(int), zero_division=0)


@graded("BinaryF1", points=2)
def test_binary_f1_accumulates_over_batches(sub, rng):
    for as_tensor, column in ((False, False), (True, bool(rng.random() < 0.5))):
        batches = _batches(rng, int(rng.integers(3, 7)), column)
        got = sub.run(probe_stream, [batches], as_tensor)
        expect(got["error"] is None, str(got["error"]))
        expected = [_f1(batches[:k + 1]) for k in range(len(batches))]
        close(got["results"][0], expected, "after each update_state, result() should be the F1 of every example seen "
              "so far (counts accumulated over batches, not an average of per-batch F1s)", rtol=1e-5, atol=1e-6)


@graded("BinaryF1", points=1)
def test_binary_f1_reset_state(sub, rng):
    first, second = _batches(rng, int(rng.integers(2, 5)), False), _batches(rng, int(rng.integers(2, 5)), False)
    negatives = [(np.zeros(5, "float32"), np.full(5, 0.2, "float32"))]
    got = sub.run(probe_stream, [first, second, negatives], bool(rng.random() < 0.5))
    expect(got["error"] is None, str(got["error"]))
    results = got["results"]
    close(results[1], [0.0], "right after reset_state(), nothing has been seen: result() should be 0", atol=1e-7)
    close(results[2], [_f1(second[:k + 1]) for k in range(len(second))],
          "after reset_state(), result() should count only the batches seen since the reset", rtol=1e-5, atol=1e-6)
    close(results[3], [0.0], "result() should be 0 when F1 is undefined (no positive label, no positive "
                             "prediction), not nan", atol=1e-7)
    close(results[4], [0.0], "when only negatives have been seen since the reset, F1 is undefined and result() "
                             "should be 0", atol=1e-7)


@graded("BinaryF1", points=1)
def test_binary_f1_in_model_evaluate(sub, rng):
    batches = _batches(rng, int(rng.integers(2, 5)), False)
    got = sub.run(probe_stream, [batches], True)
    expect(got["error"] is None, str(got["error"]))
    close(got["results"][0], [_f1(batches[:k + 1]) for k in range(len(batches))],
          "update_state and result() should give the F1 of every example seen so far", rtol=1e-5, atol=1e-6)
    n, d = int(rng.integers(60, 200)), int(rng.integers(2, 6))
    x = rng.standard_normal((n, d)).astype("float32")
    kernel = rng.standard_normal((d, 1)).astype("float32")
    bias = rng.normal(0, 0.3, 1).astype("float32")
    z = x.astype(np.float64) @ kernel + bias
    keep = np.abs(z[:, 0]) > 1e-3                           # no prediction right at the threshold
    x, z = x[keep], z[keep]
    y = ((z[:, 0] + rng.normal(0, 1.0, len(z))) > 0).astype("float32")[:, None]
    got = sub.run(probe_evaluate, x, y, kernel, bias, int(rng.integers(8, 24)))
    values = [v for k, v in got.items() if k not in ("loss", "compile_metrics")]
    expect(len(values) == 1, "model.evaluate with metrics=[BinaryF1()] should report one metric beside the loss; "
                             f"it reported {sorted(got)}")
    close(values[0], metrics.f1_score(y[:, 0].astype(int), (z[:, 0] > 0).astype(int), zero_division=0),
          "compiled into a model, model.evaluate over several batches should report the F1 of the whole data set "
          "(update_state must work inside a tf.function)", rtol=1e-5, atol=1e-6)
