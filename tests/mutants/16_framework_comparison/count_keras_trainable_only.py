"""count_parameters counts only a Keras model's trainable weights (no frozen layers, no moving statistics).

breaks: count_parameters
"""
import numpy as np
import torch


def count_parameters(model):
    if isinstance(model, torch.nn.Module):
        return int(sum(p.numel() for p in model.parameters()))
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))
