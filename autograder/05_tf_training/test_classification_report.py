"""Hidden tests of classification_report: accuracy, precision, recall and F1 of binary labels,
as sklearn.metrics with zero_division=0."""
import numpy as np
from sklearn import metrics

from dlcourse.grading import close, expect, graded, probe

KEYS = ("accuracy", "precision", "recall", "f1")


@probe
def probe_report(mod, y_true, y_pred):
    out = mod.classification_report(y_true, y_pred)
    if not isinstance(out, dict):
        return {"error": f"classification_report should return a dict, got a {type(out).__name__}"}
    return {"error": None, "report": {str(k): float(v) for k, v in out.items()}}


def _expected(y_true, y_pred):
    return {"accuracy": metrics.accuracy_score(y_true, y_pred),
            "precision": metrics.precision_score(y_true, y_pred, zero_division=0),
            "recall": metrics.recall_score(y_true, y_pred, zero_division=0),
            "f1": metrics.f1_score(y_true, y_pred, zero_division=0)}


def _check(got, y_true, y_pred, when):
    expect(got["error"] is None, str(got["error"]))
    report = got["report"]
    expect(set(KEYS) <= set(report), f"classification_report should have the keys {list(KEYS)}; it has {sorted(report)}")
    for key, value in _expected(y_true, y_pred).items():
        close(report[key], value, f"{when}, '{key}' differs from sklearn.metrics' (with zero_division=0)",
              rtol=1e-6, atol=1e-9)


@graded("classification_report", points=2)
def test_classification_report_matches_sklearn(sub, rng):
    for _ in range(3):
        n = int(rng.integers(20, 300))
        y_true = (rng.random(n) < rng.uniform(0.2, 0.8)).astype("int64")
        flip = rng.random(n) < rng.uniform(0.1, 0.4)
        y_pred = np.where(flip, 1 - y_true, y_true).astype("int64")
        got = sub.run(probe_report, y_true, y_pred)
        _check(got, y_true, y_pred, "on binary labels")
    # a single positive prediction, and right: precision 1/1
    n = int(rng.integers(10, 100))
    hit, missed = rng.choice(n, 2, replace=False)
    y_true, y_pred = np.zeros(n, "int64"), np.zeros(n, "int64")
    y_true[[hit, missed]] = y_pred[hit] = 1
    _check(sub.run(probe_report, y_true, y_pred), y_true, y_pred, "with a single positive prediction")


@graded("classification_report", points=1)
def test_classification_report_zero_when_undefined(sub, rng):
    n = int(rng.integers(10, 100))
    mixed = (rng.random(n) < 0.5).astype("int64")
    mixed[:2] = [0, 1]
    cases = [(mixed, np.zeros(n, "int64"), "when nothing is predicted positive (precision undefined)"),
             (np.zeros(n, "int64"), mixed, "when no label is positive (recall undefined)"),
             (np.zeros(n, "int64"), np.zeros(n, "int64"), "when every label and prediction is 0")]
    for y_true, y_pred, when in cases:
        got = sub.run(probe_report, y_true, y_pred)
        _check(got, y_true, y_pred, when)
