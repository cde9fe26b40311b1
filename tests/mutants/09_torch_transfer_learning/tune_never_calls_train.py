"""fine_tune never calls model.train(): a model handed over in eval mode trains with batch norm on its
stored statistics, which never adapt to the new data.

breaks: fine_tune
"""
import torch
from torch import nn


def fine_tune(model, loader, epochs, lr):
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        _keep_frozen_bn_in_eval(model)
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
    model.eval()
    return model
