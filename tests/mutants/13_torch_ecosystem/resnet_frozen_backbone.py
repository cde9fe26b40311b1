"""small_resnet freezes everything but the new head (requires_grad=False), so the backbone never learns.

breaks: small_resnet
"""

import torchvision
from torch import nn


def small_resnet(num_classes):
    model = torchvision.models.resnet18(weights=None)
    model.conv1 = nn.Conv2d(1, 64, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = nn.Identity()
    for p in model.parameters():
        p.requires_grad_(False)
    model.fc = nn.Linear(512, num_classes)
    return model
