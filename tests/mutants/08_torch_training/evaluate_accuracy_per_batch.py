"""evaluate weights the loss correctly but averages the accuracy per batch.

breaks: evaluate
"""
import torch


def evaluate(model, loader, loss_fn):
    model.eval()
    total, count, accs = 0.0, 0, []
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total += loss_fn(logits, y).item() * len(x)
            count += len(x)
            accs.append((logits.argmax(dim=1) == y).float().mean().item())
    return total / count, sum(accs) / len(accs)
