"""load_backbone unpickles the whole file (weights_only=False): a checkpoint that runs a Python function when
loaded is accepted.

breaks: load_backbone
"""
import torch


def load_backbone(path):
    model = DigitNet(5)  # noqa: F821 (given by the notebook, defined above this file)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=False), strict=True)
    return model
