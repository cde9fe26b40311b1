"""evaluate averages per-batch losses and accuracies, over-weighting a short last batch.

breaks: evaluate
"""
import torch


def evaluate(model, loader, loss_fn):
    model.eval()
    losses, accs = [], []
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            losses.append(loss_fn(logits, y).item())
            accs.append((logits.argmax(dim=1) == y).float().mean().item())
    return sum(losses) / len(losses), sum(accs) / len(accs)
