"""sklearn_pipeline scales with MinMaxScaler instead of StandardScaler.

breaks: sklearn_pipeline
"""
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler


def sklearn_pipeline():
    return Pipeline([("scale", MinMaxScaler()), ("clf", LogisticRegression(max_iter=1000))])
