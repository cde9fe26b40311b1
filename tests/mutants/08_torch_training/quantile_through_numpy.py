"""QuantileLoss computes the value in NumPy: right number, but no gradient flows back to pred.

breaks: QuantileLoss
"""
import numpy as np
import torch
from torch import nn


class QuantileLoss(nn.Module):
    def __init__(self, q):
        super().__init__()
        self.q = q

    def forward(self, pred, target):
        error = target.detach().numpy() - pred.detach().numpy()
        return torch.tensor(np.maximum(self.q * error, (self.q - 1) * error).mean())
