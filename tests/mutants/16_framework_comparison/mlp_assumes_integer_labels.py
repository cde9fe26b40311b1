"""TorchMLPClassifier assumes labels are 0..K-1 (classes_ = arange(max + 1), y used as indices).

breaks: TorchMLPClassifier
"""
import numpy as np
import torch

_Ints = TorchMLPClassifier  # noqa: F821 (the reference, defined above this file)


class TorchMLPClassifier(_Ints):
    def fit(self, X, y):
        y = np.asarray(y).astype(np.int64)
        X = torch.as_tensor(np.asarray(X, dtype=np.float32))
        self.classes_ = np.arange(int(y.max()) + 1)
        torch.manual_seed(self.random_state)
        self.model_ = torch.nn.Sequential(torch.nn.Linear(X.shape[1], self.hidden), torch.nn.ReLU(),
                                          torch.nn.Linear(self.hidden, len(self.classes_)))
        opt = torch.optim.Adam(self.model_.parameters(), lr=self.lr)
        t = torch.as_tensor(y)
        for _ in range(self.epochs):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(self.model_(X), t).backward()
            opt.step()
        return self
