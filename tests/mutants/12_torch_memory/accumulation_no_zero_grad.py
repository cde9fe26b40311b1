"""accumulation_step never clears the gradients first: stale gradients are added into the step.

breaks: accumulation_step
"""


def accumulation_step(model, optimizer, loss_fn, micro_batches):
    total = sum(len(x) for x, _ in micro_batches)
    full_loss = 0.0
    for x, y in micro_batches:
        loss = loss_fn(model(x), y) * (len(x) / total)
        loss.backward()
        full_loss += loss.item()
    optimizer.step()
    return full_loss
