"""TorchMLPClassifier's __init__ stores its parameters under other names (self.n_hidden, self.learning_rate, ...),
so get_params and clone cannot find them.

breaks: TorchMLPClassifier
"""
import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin


class TorchMLPClassifier(ClassifierMixin, BaseEstimator):
    def __init__(self, hidden=32, epochs=50, lr=1e-2, random_state=0):
        self.n_hidden, self.n_epochs, self.learning_rate, self.seed = hidden, epochs, lr, random_state

    def fit(self, X, y):
        X = torch.as_tensor(np.asarray(X, dtype=np.float32))
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        t = torch.as_tensor(codes, dtype=torch.long)
        torch.manual_seed(self.seed)
        self.model_ = torch.nn.Sequential(torch.nn.Linear(X.shape[1], self.n_hidden), torch.nn.ReLU(),
                                          torch.nn.Linear(self.n_hidden, len(self.classes_)))
        opt = torch.optim.Adam(self.model_.parameters(), lr=self.learning_rate)
        for _ in range(self.n_epochs):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(self.model_(X), t).backward()
            opt.step()
        return self

    def predict_proba(self, X):
        with torch.no_grad():
            return torch.softmax(self.model_(torch.as_tensor(np.asarray(X, dtype=np.float32))), 1).numpy()

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
