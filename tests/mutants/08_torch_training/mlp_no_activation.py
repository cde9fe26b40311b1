"""MLP has no non-linearity between its layers: it is one linear map and cannot learn XOR.

breaks: MLP
"""
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_features, hidden), nn.Dropout(dropout), nn.Linear(hidden, out_features))

    def forward(self, x):
        return self.net(x)
