"""accumulation_step calls optimizer.step() after every micro-batch instead of once at the end.

breaks: accumulation_step
"""


def accumulation_step(model, optimizer, loss_fn, micro_batches):
    optimizer.zero_grad()
    total = sum(len(x) for x, _ in micro_batches)
    full_loss = 0.0
    for x, y in micro_batches:
        loss = loss_fn(model(x), y) * (len(x) / total)
        loss.backward()
        optimizer.step()
        full_loss += loss.item()
    return full_loss
