"""fine_tune keeps in eval mode the batch-norm layers that were in eval mode when it was called, instead of
those whose weight is frozen: a backbone frozen by requires_grad alone (batch norm still training) drifts.

breaks: fine_tune
"""
import torch
from torch import nn


def fine_tune(model, loader, epochs, lr):
    was_eval = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm) and not m.training]
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        model.train()
        for m in was_eval:
            m.eval()
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
    model.eval()
    return model
