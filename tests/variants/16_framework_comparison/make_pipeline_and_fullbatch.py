"""Another correct 16: sklearn_pipeline with make_pipeline, cv_accuracy through cross_validate,
a TorchMLPClassifier trained full-batch with a LabelEncoder and a torch.Generator, and
choose_framework / count_parameters written as table lookups.

covers: sklearn_pipeline, cv_accuracy, TorchMLPClassifier, count_parameters, choose_framework
"""
import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import LabelEncoder, StandardScaler
from torch import nn


def sklearn_pipeline():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def cv_accuracy(pipeline, X, y, folds=5):
    scores = cross_validate(pipeline, X, y, cv=folds, scoring="accuracy")["test_score"]
    return float(np.mean(scores))


class TorchMLPClassifier(ClassifierMixin, BaseEstimator):
    def __init__(self, hidden=32, epochs=50, lr=1e-2, random_state=0):
        self.hidden = hidden
        self.epochs = epochs
        self.lr = lr
        self.random_state = random_state

    def fit(self, X, y):
        enc = LabelEncoder().fit(np.asarray(y))
        self.classes_ = enc.classes_
        xt = torch.tensor(np.asarray(X), dtype=torch.float32)
        yt = torch.tensor(enc.transform(np.asarray(y)), dtype=torch.long)
        torch.manual_seed(int(self.random_state))
        self.net_ = nn.Sequential(nn.Linear(xt.shape[1], self.hidden), nn.ReLU(),
                                  nn.Linear(self.hidden, len(self.classes_)))
        opt = torch.optim.Adam(self.net_.parameters(), lr=self.lr)
        g = torch.Generator().manual_seed(int(self.random_state))
        for _ in range(self.epochs):
            perm = torch.randperm(len(xt), generator=g)
            for idx in perm.split(16):
                opt.zero_grad()
                nn.functional.cross_entropy(self.net_(xt[idx]), yt[idx]).backward()
                opt.step()
        self.n_features_in_ = xt.shape[1]
        return self

    def predict_proba(self, X):
        with torch.no_grad():
            z = self.net_(torch.tensor(np.asarray(X), dtype=torch.float32))
        return nn.functional.softmax(z, dim=-1).double().numpy()

    def predict(self, X):
        return self.classes_.take(self.predict_proba(X).argmax(axis=1))


def count_parameters(model):
    if hasattr(model, "named_parameters") and isinstance(model, nn.Module):
        return sum(int(p.numel()) for _, p in model.named_parameters())
    return int(sum(np.prod(w.shape) for w in model.weights))


def choose_framework(needs):
    dl, deploy, research = (bool(needs.get(k)) for k in ("deep_learning", "deployment", "research"))
    if not dl:
        return "scikit-learn"
    return "tensorflow" if deploy else ("pytorch" if research else "keras")
