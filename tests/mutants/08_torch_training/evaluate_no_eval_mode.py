"""evaluate forgets model.eval(): dropout stays on and batch norm uses (and updates) batch statistics.

breaks: evaluate, fit
"""
import torch


def evaluate(model, loader, loss_fn):
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total += loss_fn(logits, y).item() * len(x)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(x)
    return total / count, correct / count
