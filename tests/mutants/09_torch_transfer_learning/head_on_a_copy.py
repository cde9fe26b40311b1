"""replace_head changes a deep copy and returns it, leaving the given model as it was.

breaks: replace_head
"""
import copy

from torch import nn


def replace_head(model, num_classes):
    model = copy.deepcopy(model)
    model.head = nn.Linear(model.head.in_features, num_classes)
    return model
