"""freeze_backbone freezes model.features but never turns the head on: a head frozen earlier stays frozen.

breaks: freeze_backbone
"""
from torch import nn


def freeze_backbone(model):
    for p in model.features.parameters():
        p.requires_grad_(False)
    for m in model.features.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eval()
