"""same_model_four_ways's TF Core model never applies its gradients (weights stay at zero) and the key
is named 'tensorflow' instead of 'tf_core'.

breaks: same_model_four_ways
"""
import numpy as np

_four_ways_reference = same_model_four_ways  # noqa: F821 (the reference, defined above this file)


def same_model_four_ways(X_train, y_train, X_test, y_test):
    out = _four_ways_reference(X_train, y_train, X_test, y_test)
    del out["tf_core"]
    out["tensorflow"] = float(np.mean(np.asarray(y_test) == 0))   # zero weights: always class 0
    return out
