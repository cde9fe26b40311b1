"""cv_accuracy uses shuffled, unstratified KFold splits instead of cv=folds.

breaks: cv_accuracy
"""
from sklearn.model_selection import KFold, cross_val_score


def cv_accuracy(pipeline, X, y, folds=5):
    cv = KFold(folds, shuffle=True, random_state=0)
    return float(cross_val_score(pipeline, X, y, cv=cv, scoring="accuracy").mean())
