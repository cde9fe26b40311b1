"""same_model_four_ways's scikit-learn model stops after one lbfgs step (max_iter=1, as if the default were too
slow): its accuracy can be close to the converged fit's, but not on classes set apart across their loudest
direction.

breaks: same_model_four_ways
"""
import warnings

from sklearn.linear_model import LogisticRegression

_four_ways_reference = same_model_four_ways  # noqa: F821 (the reference, defined above this file)


def same_model_four_ways(X_train, y_train, X_test, y_test):
    out = _four_ways_reference(X_train, y_train, X_test, y_test)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # ConvergenceWarning: the mistake
        out["sklearn"] = float(LogisticRegression(max_iter=1).fit(X_train, y_train).score(X_test, y_test))
    return out
