"""same_model_four_ways reports accuracy on the training data instead of the test data.

breaks: same_model_four_ways
"""
_four_ways_reference = same_model_four_ways  # noqa: F821 (the reference, defined above this file)


def same_model_four_ways(X_train, y_train, X_test, y_test):
    return _four_ways_reference(X_train, y_train, X_train, y_train)
