"""sklearn_pipeline leaves out the StandardScaler (the logistic regression sees raw features).

breaks: sklearn_pipeline
"""
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline


def sklearn_pipeline():
    return Pipeline([("clf", LogisticRegression(max_iter=1000))])
