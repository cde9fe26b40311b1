"""count_parameters returns a float (a NumPy sum) instead of an int.

breaks: count_parameters
"""
import numpy as np
import torch


def count_parameters(model):
    if isinstance(model, torch.nn.Module):
        return float(np.sum([p.numel() for p in model.parameters()]))
    return float(model.count_params())
