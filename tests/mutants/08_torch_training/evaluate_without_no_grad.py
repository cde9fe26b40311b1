"""evaluate runs in eval mode but records the autograd graph (no torch.no_grad()).

breaks: evaluate
"""


def evaluate(model, loader, loss_fn):
    model.eval()
    total, correct, count = 0.0, 0, 0
    for x, y in loader:
        logits = model(x)
        total += loss_fn(logits, y).item() * len(x)
        correct += (logits.argmax(dim=1) == y).sum().item()
        count += len(x)
    return total / count, correct / count
