"""train_one_epoch clears the gradients after each step instead of before each backward,
so gradients already on the parameters leak into the first step.

breaks: train_one_epoch
"""


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
