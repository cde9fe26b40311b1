"""Hidden tests of sklearn_pipeline: an unfitted StandardScaler -> LogisticRegression(max_iter=1000).

A class name proves nothing: the structure test also requires the first step to standardise data drawn
here, and the behaviour test compares the fitted pipeline's probabilities with a reference computed here."""
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_structure(mod, X):
    """What the pipeline is (real scikit-learn classes), whether it is unfitted, and what its first step does
    to data drawn by the test (so its class alone decides nothing)."""
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.validation import check_is_fitted

    pipe = mod.sklearn_pipeline()
    out = {"pipeline": isinstance(pipe, Pipeline)}
    steps = list(getattr(pipe, "steps", None) or [])
    out["n_steps"] = len(steps)
    if steps:
        first, last = steps[0][1], steps[-1][1]
        out["scaler_first"] = isinstance(first, StandardScaler)
        out["logistic_last"] = isinstance(last, LogisticRegression)
        out["max_iter"] = last.get_params().get("max_iter") if hasattr(last, "get_params") else None
        try:
            pipe.predict(X[:3])
            out["unfitted"] = False
        except NotFittedError:
            out["unfitted"] = True
        try:
            check_is_fitted(first)
            out["unfitted"] = False
        except NotFittedError:
            pass
        out["first_step_output"] = np.asarray(clone(first).fit_transform(X), dtype=np.float64)
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
    X, _, _ = _data(rng)
    got = sub.run(probe_structure, X)
    expect(got["pipeline"] is True, "sklearn_pipeline should return a sklearn.pipeline.Pipeline")
    expect(got["n_steps"] >= 2 and got.get("scaler_first") is True and got.get("logistic_last") is True,
           "the pipeline's first step should be a StandardScaler and its last a LogisticRegression")
    close(got["first_step_output"], (X - X.mean(axis=0)) / X.std(axis=0),
          "the pipeline's first step should standardise each feature (zero mean, unit variance)", rtol=1e-6, atol=1e-8)
    expect(got.get("max_iter") == 1000, "the LogisticRegression should allow max_iter=1000 iterations")
    expect(got.get("unfitted") is True, "sklearn_pipeline should return an unfitted pipeline (fitting happens later, "
                                        "on training data only)")


@graded("sklearn_pipeline", points=2)
def test_sklearn_pipeline_fits_and_predicts_like_scaling_then_logistic_regression(sub, rng):
    X, y, X_new = _data(rng)
    got = sub.run(probe_fit, X, y, X_new)
    reference = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))]).fit(X, y)
    close(got, reference.predict_proba(X_new), "once fitted, the pipeline's probabilities differ from standardising "
                                                "the features, then a LogisticRegression(max_iter=1000)", rtol=1e-4, atol=1e-6)
