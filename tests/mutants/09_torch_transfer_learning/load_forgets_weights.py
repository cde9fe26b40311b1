"""load_backbone reads the file but returns a freshly initialised DigitNet (the state_dict is never loaded).

breaks: load_backbone
"""
import torch


def load_backbone(path):
    model = DigitNet(5)
    torch.load(path, map_location="cpu", weights_only=True)
    return model
