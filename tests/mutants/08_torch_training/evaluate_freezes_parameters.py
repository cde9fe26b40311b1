"""evaluate switches autograd off by setting requires_grad=False on every parameter, and never back: the model
comes out frozen, and the next training epoch cannot compute a gradient.

breaks: evaluate, fit
"""


def evaluate(model, loader, loss_fn):
    model.eval()
    for param in model.parameters():
        param.requires_grad_(False)
    total, correct, count = 0.0, 0, 0
    for x, y in loader:
        logits = model(x)
        total += loss_fn(logits, y).item() * len(x)
        correct += (logits.argmax(dim=1) == y).sum().item()
        count += len(x)
    return total / count, correct / count
