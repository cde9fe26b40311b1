"""train_one_epoch never calls model.train(): after an evaluation the model trains in eval mode.

breaks: train_one_epoch, fit
"""


def train_one_epoch(model, loader, optimizer, loss_fn):
    total, count = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count
