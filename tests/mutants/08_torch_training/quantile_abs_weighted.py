"""QuantileLoss weights the absolute error by q on both sides (no asymmetry).

breaks: QuantileLoss
"""
from torch import nn


class QuantileLoss(nn.Module):
    def __init__(self, q):
        super().__init__()
        self.q = q

    def forward(self, pred, target):
        return (self.q * (target - pred).abs()).mean()
