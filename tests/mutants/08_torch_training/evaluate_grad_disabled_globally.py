"""evaluate switches autograd off with torch.set_grad_enabled(False) and never switches it back on.

breaks: evaluate, fit
"""
import torch


def evaluate(model, loader, loss_fn):
    model.eval()
    torch.set_grad_enabled(False)
    total, correct, count = 0.0, 0, 0
    for x, y in loader:
        logits = model(x)
        total += loss_fn(logits, y).item() * len(x)
        correct += (logits.argmax(dim=1) == y).sum().item()
        count += len(x)
    return total / count, correct / count
