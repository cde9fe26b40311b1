"""count_parameters counts only parameters that require grad, so frozen ones count as zero.

breaks: count_parameters
"""
import torch


def count_parameters(model):
    if isinstance(model, torch.nn.Module):
        return int(sum(p.numel() for p in model.parameters() if p.requires_grad))
    return int(model.count_params())
