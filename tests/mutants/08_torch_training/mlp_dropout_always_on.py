"""MLP calls F.dropout with training=True, so dropout stays on in eval mode.

breaks: MLP
"""
import torch.nn.functional as F
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.first, self.second, self.p = nn.Linear(in_features, hidden), nn.Linear(hidden, out_features), dropout

    def forward(self, x):
        return self.second(F.dropout(F.relu(self.first(x)), self.p, training=True))
