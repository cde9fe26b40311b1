"""QuantileLoss uses e = pred - target: the roles of q and 1 - q are swapped.

breaks: QuantileLoss
"""
import torch
from torch import nn


class QuantileLoss(nn.Module):
    def __init__(self, q):
        super().__init__()
        self.q = q

    def forward(self, pred, target):
        error = pred - target
        return torch.maximum(self.q * error, (self.q - 1) * error).mean()
