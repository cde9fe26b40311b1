"""sklearn_pipeline's first step is named and typed like a StandardScaler but only centres the data
(StandardScaler(with_std=False)): features on very different scales stay so.

breaks: sklearn_pipeline
"""
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def sklearn_pipeline():
    return Pipeline([("scale", StandardScaler(with_std=False)), ("clf", LogisticRegression(max_iter=1000))])
