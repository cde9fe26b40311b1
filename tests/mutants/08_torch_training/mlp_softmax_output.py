"""MLP ends with a softmax, so it returns probabilities instead of the logits CrossEntropyLoss expects.

breaks: MLP
"""
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Dropout(dropout),
                                 nn.Linear(hidden, out_features), nn.Softmax(dim=1))

    def forward(self, x):
        return self.net(x)
