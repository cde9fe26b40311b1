"""cv_accuracy fits a StandardScaler on all the data before cross-validating (leakage).

breaks: cv_accuracy
"""
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import StandardScaler


def cv_accuracy(pipeline, X, y, folds=5):
    X = StandardScaler().fit_transform(X)
    return float(cross_val_score(pipeline, X, y, cv=folds, scoring="accuracy").mean())
