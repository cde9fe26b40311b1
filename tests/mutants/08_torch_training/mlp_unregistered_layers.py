"""MLP keeps its layers in a plain Python list: they are not registered, so the module has no parameters.

breaks: MLP
"""
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.layers = [nn.Linear(in_features, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, out_features)]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
