"""evaluate calls logits.argmax() without dim=1: the index into the flattened batch, compared with every label.

breaks: evaluate, fit
"""
import torch


def evaluate(model, loader, loss_fn):
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total += loss_fn(logits, y).item() * len(x)
            correct += (logits.argmax() == y).sum().item()
            count += len(x)
    return total / count, correct / count
