"""Hidden tests of cv_accuracy: the mean of cross_val_score(pipeline, X, y, cv=folds, scoring="accuracy"),
with nothing fitted outside the folds (graders pass pipelines without a scaler: scaling all the data
first changes their score)."""
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from dlcourse.grading import close, expect, graded, probe


def build(kind):
    """The pipelines the graders pass (built in the sandbox and here alike)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if kind == "scaled_logistic":
        return Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))])
    if kind == "knn":
        return Pipeline([("clf", KNeighborsClassifier(n_neighbors=5))])
    return Pipeline([("clf", LogisticRegression(max_iter=1000))])


@probe(uses=[build])
def probe_cv(mod, kind, X, y, folds):
    value = mod.cv_accuracy(build(kind), X, y, folds) if folds is not None else mod.cv_accuracy(build(kind), X, y)
    return [float(value) if isinstance(value, (int, float, np.floating)) else None, isinstance(value, float)]


def _data(rng, n=None):
    n = n or int(rng.integers(90, 150))
    informative = rng.standard_normal((n, 2))
    y = (informative[:, 0] + 0.5 * informative[:, 1] + rng.normal(0, 0.4, n) > 0).astype(int)
    noise = rng.standard_normal((n, int(rng.integers(2, 5)))) * 10.0 ** rng.uniform(2, 3)   # huge, useless features
    X = np.concatenate([informative * 0.01, noise], axis=1)
    return X[:, rng.permutation(X.shape[1])], y


def _expected(kind, X, y, folds):
    pipeline = {"scaled_logistic": Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))]),
                "knn": Pipeline([("clf", KNeighborsClassifier(n_neighbors=5))]),
                "logistic": Pipeline([("clf", LogisticRegression(max_iter=1000))])}[kind]
    return float(cross_val_score(pipeline, X, y, cv=folds, scoring="accuracy").mean())


@graded("cv_accuracy", points=2)
def test_cv_accuracy_is_the_mean_cross_validated_accuracy(sub, rng):
    X, y = _data(rng)
    folds = int(rng.choice([3, 4, 6, 7]))  # never the default 5: a cv_accuracy that ignores `folds` must show
    value, is_float = sub.run(probe_cv, "scaled_logistic", X, y, folds)
    expect(value is not None and is_float, "cv_accuracy should return one Python float, the mean accuracy")
    close(value, _expected("scaled_logistic", X, y, folds),
          "cv_accuracy differs from the mean accuracy of cross-validation with `folds` folds", rtol=1e-9, atol=1e-9)
    value, _ = sub.run(probe_cv, "scaled_logistic", X, y, None)
    close(value, _expected("scaled_logistic", X, y, 5), "cv_accuracy's default should be 5 folds", rtol=1e-9, atol=1e-9)


@graded("cv_accuracy", points=2)
def test_cv_accuracy_fits_nothing_outside_the_folds(sub, rng):
    X, y = _data(rng)
    folds = int(rng.choice([3, 4, 6, 7]))  # never the default 5: a cv_accuracy that ignores `folds` must show
    for kind in ("knn", "logistic"):
        value, _ = sub.run(probe_cv, kind, X, y, folds)
        close(value, _expected(kind, X, y, folds),
              "given a pipeline without a scaler, cv_accuracy's score differs from cross-validating that pipeline "
              "as it is: fit nothing (no scaler, no selection) on the whole data before or outside the folds",
              rtol=1e-9, atol=1e-9)
