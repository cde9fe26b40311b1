"""to_torchscript switches the model to eval mode before scripting it, changing the caller's model.

breaks: to_torchscript
"""
import torch


def to_torchscript(model):
    model.eval()
    return torch.jit.script(model)
