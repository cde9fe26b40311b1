"""sklearn_pipeline keeps LogisticRegression's default max_iter=100.

breaks: sklearn_pipeline
"""
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def sklearn_pipeline():
    return Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
