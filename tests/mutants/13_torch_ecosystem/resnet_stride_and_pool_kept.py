"""small_resnet only changes conv1's input channels: its stride 2 and the max-pool shrink 8x8 to 2x2 before layer1.

breaks: small_resnet
"""

import torchvision
from torch import nn


def small_resnet(num_classes):
    model = torchvision.models.resnet18(weights=None)
    model.conv1 = nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
    model.fc = nn.Linear(512, num_classes)
    return model
