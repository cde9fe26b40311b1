"""replace_head puts a fresh head sized for the old 5 classes, ignoring num_classes.

breaks: replace_head
"""
from torch import nn


def replace_head(model, num_classes):
    model.head = nn.Linear(model.head.in_features, model.head.out_features)
    return model
