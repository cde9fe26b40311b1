"""train_one_epoch accumulates loss tensors (keeping every graph alive) and returns a tensor, not a float.

breaks: train_one_epoch
"""


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total = total + loss * len(x)
        count += len(x)
    return total / count
