"""count_parameters counts a torch module's state_dict, buffers (BatchNorm running statistics) included.

breaks: count_parameters
"""
import torch


def count_parameters(model):
    if isinstance(model, torch.nn.Module):
        return int(sum(t.numel() for t in model.state_dict().values()))
    return int(model.count_params())
