"""TorchMLPClassifier seeds torch in __init__ instead of in fit: a second fit of the same estimator (or a fit
after anything else drew random numbers) starts from other weights.

breaks: TorchMLPClassifier
"""
import torch

_SeededInFit = TorchMLPClassifier  # noqa: F821 (the reference, defined above this file)


class TorchMLPClassifier(_SeededInFit):
    def __init__(self, hidden=32, epochs=50, lr=1e-2, random_state=0):
        super().__init__(hidden=hidden, epochs=epochs, lr=lr, random_state=random_state)
        torch.manual_seed(random_state)            # the mistake: seeding once, at construction

    def fit(self, X, y):
        real_seed = torch.manual_seed
        torch.manual_seed = lambda seed: None      # ... and not in fit
        try:
            return super().fit(X, y)
        finally:
            torch.manual_seed = real_seed
