"""fine_tune calls model.train() and leaves the frozen backbone's batch norm in training mode:
its running statistics drift although its weights are frozen.

breaks: fine_tune
"""
import torch
from torch import nn


def fine_tune(model, loader, epochs, lr):
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
    model.eval()
    return model
