"""Hidden tests of sklearn_pipeline: an unfitted StandardScaler -> LogisticRegression(max_iter=1000)."""
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_structure(mod):
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    pipe = mod.sklearn_pipeline()
    out = {"type": type(pipe).__name__, "steps": [type(step).__name__ for _, step in getattr(pipe, "steps", [])]}
    if out["steps"]:
        out["max_iter"] = getattr(pipe.steps[-1][1], "max_iter", None)
        try:
            check_is_fitted(pipe.steps[0][1])
            out["fitted"] = True
        except NotFittedError:
            out["fitted"] = False
    return out


@probe
def probe_fit(mod, X, y, X_new):
    pipe = mod.sklearn_pipeline()
    pipe.fit(X, y)
    return np.asarray(pipe.predict_proba(X_new), dtype=np.float64)


def _data(rng):
    n, d, k = int(rng.integers(80, 150)), int(rng.integers(3, 7)), int(rng.integers(2, 4))
    X = rng.standard_normal((n, d))
    y = np.argmax(X @ rng.normal(0, 1, (d, k)) + rng.normal(0, 0.7, (n, k)), axis=1)
    scales = 10.0 ** rng.uniform(-2, 3, d)                  # features on very different scales
    offsets = rng.normal(0, 50, d)
    X_new = rng.standard_normal((20, d)) * scales + offsets
    return X * scales + offsets, y, X_new


@graded("sklearn_pipeline", points=1)
def test_sklearn_pipeline_is_an_unfitted_scaler_then_logistic_regression(sub, rng):
    got = sub.run(probe_structure)
    expect(got["type"] == "Pipeline", "sklearn_pipeline should return a sklearn.pipeline.Pipeline")
    expect(len(got["steps"]) >= 2 and got["steps"][0] == "StandardScaler" and got["steps"][-1] == "LogisticRegression",
           "the pipeline's first step should be a StandardScaler and its last a LogisticRegression")
    expect(got.get("max_iter") == 1000, "the LogisticRegression should allow max_iter=1000 iterations")
    expect(got.get("fitted") is False, "sklearn_pipeline should return an unfitted pipeline (fitting happens later, "
                                       "on training data only)")


@graded("sklearn_pipeline", points=2)
def test_sklearn_pipeline_fits_and_predicts_like_scaling_then_logistic_regression(sub, rng):
    X, y, X_new = _data(rng)
    got = sub.run(probe_fit, X, y, X_new)
    reference = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))]).fit(X, y)
    close(got, reference.predict_proba(X_new), "once fitted, the pipeline's probabilities differ from standardising "
                                                "the features, then a LogisticRegression(max_iter=1000)", rtol=1e-4, atol=1e-6)
