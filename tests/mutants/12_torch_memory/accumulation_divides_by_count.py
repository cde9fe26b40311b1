"""accumulation_step divides each micro-batch's loss by the number of micro-batches, wrong for unequal sizes.

breaks: accumulation_step
"""


def accumulation_step(model, optimizer, loss_fn, micro_batches):
    optimizer.zero_grad()
    total = sum(len(x) for x, _ in micro_batches)
    full_loss = 0.0
    for x, y in micro_batches:
        loss = loss_fn(model(x), y)
        (loss / len(micro_batches)).backward()
        full_loss += loss.item() * len(x) / total
    optimizer.step()
    return full_loss
