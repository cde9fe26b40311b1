"""freeze_backbone freezes only the convolutions: batch norm's weight and bias stay trainable.

breaks: freeze_backbone
"""
from torch import nn


def freeze_backbone(model):
    for m in model.features.modules():
        if isinstance(m, nn.Conv2d):
            for p in m.parameters():
                p.requires_grad_(False)
        if isinstance(m, nn.BatchNorm2d):
            m.eval()
    for p in model.head.parameters():
        p.requires_grad_(True)
