"""cv_accuracy always uses 5 folds, whatever `folds` says.

breaks: cv_accuracy
"""
from sklearn.model_selection import cross_val_score


def cv_accuracy(pipeline, X, y, folds=5):
    return float(cross_val_score(pipeline, X, y, cv=5, scoring="accuracy").mean())
