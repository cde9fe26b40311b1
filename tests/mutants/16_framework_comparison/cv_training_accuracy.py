"""cv_accuracy fits the pipeline on all the data and reports its accuracy on that same data.

breaks: cv_accuracy
"""


def cv_accuracy(pipeline, X, y, folds=5):
    return float(pipeline.fit(X, y).score(X, y))
