"""same_model_four_ways returns accuracies in percent (0-100) instead of fractions.

breaks: same_model_four_ways
"""
_four_ways_reference = same_model_four_ways  # noqa: F821 (the reference, defined above this file)


def same_model_four_ways(X_train, y_train, X_test, y_test):
    return {k: 100.0 * v for k, v in _four_ways_reference(X_train, y_train, X_test, y_test).items()}
