"""TorchMLPClassifier never seeds torch with random_state: every fit starts from different weights.

breaks: TorchMLPClassifier
"""
import numpy as np
import torch

_Seeded = TorchMLPClassifier  # noqa: F821 (the reference, defined above this file)


class TorchMLPClassifier(_Seeded):
    def fit(self, X, y):
        real_seed = torch.manual_seed
        torch.manual_seed = lambda seed: None      # the mistake: no seeding
        try:
            return super().fit(X, y)
        finally:
            torch.manual_seed = real_seed
