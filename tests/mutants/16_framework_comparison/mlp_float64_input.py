"""TorchMLPClassifier feeds float64 arrays straight into a float32 network (no conversion).

breaks: TorchMLPClassifier
"""
import numpy as np
import torch

_Cast = TorchMLPClassifier  # noqa: F821 (the reference, defined above this file)


class TorchMLPClassifier(_Cast):
    def predict_proba(self, X):
        self.model_.eval()
        with torch.no_grad():
            return torch.softmax(self.model_(torch.as_tensor(np.asarray(X))), dim=1).numpy()
