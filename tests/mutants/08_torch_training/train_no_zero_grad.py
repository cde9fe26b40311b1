"""train_one_epoch never clears the gradients: every step uses the sum of all earlier ones.

breaks: train_one_epoch, fit
"""


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
