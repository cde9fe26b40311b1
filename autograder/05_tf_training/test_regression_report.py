"""Hidden tests of regression_report: mae, rmse and r2 as sklearn.metrics computes them."""
import numpy as np
from sklearn import metrics

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_report(mod, y_true, y_pred):
    out = mod.regression_report(y_true, y_pred)
    if not isinstance(out, dict):
        return {"error": f"regression_report should return a dict, got a {type(out).__name__}"}
    return {"error": None, "report": {str(k): float(v) for k, v in out.items()}}


def _case(rng, quality):
    n = int(rng.integers(20, 300))
    y_true = rng.normal(rng.normal(0, 5), rng.uniform(0.5, 5), n)
    noise = rng.normal(0, np.std(y_true) * quality, n)
    return y_true, y_true + noise + rng.normal(0, 0.2)


def _run(sub, rng, keys):
    # a good model (r2 near 1) and a bad one (r2 below 0)
    for quality in (0.3, 1.5):
        y_true, y_pred = _case(rng, quality)
        got = sub.run(probe_report, y_true, y_pred)
        expect(got["error"] is None, str(got["error"]))
        report = got["report"]
        expect(set(keys) <= set(report), f"regression_report should have the keys ['mae', 'rmse', 'r2']; "
                                         f"it has {sorted(report)}")
        expected = {"mae": metrics.mean_absolute_error(y_true, y_pred),
                    "rmse": np.sqrt(metrics.mean_squared_error(y_true, y_pred)),
                    "r2": metrics.r2_score(y_true, y_pred)}
        for key in keys:
            close(report[key], expected[key], f"'{key}' differs from sklearn.metrics'"
                  + (" (for a model worse than predicting the mean it is negative)" if key == "r2" else ""),
                  rtol=1e-6, atol=1e-9)


@graded("regression_report", points=1)
def test_regression_report_mae_and_rmse(sub, rng):
    _run(sub, rng, ("mae", "rmse"))


@graded("regression_report", points=1)
def test_regression_report_r2(sub, rng):
    _run(sub, rng, ("r2",))
