"""accumulation_step returns the plain mean of the micro-batch losses, not the full-batch loss.

breaks: accumulation_step
"""


def accumulation_step(model, optimizer, loss_fn, micro_batches):
    optimizer.zero_grad()
    total = sum(len(x) for x, _ in micro_batches)
    losses = []
    for x, y in micro_batches:
        loss = loss_fn(model(x), y)
        (loss * (len(x) / total)).backward()
        losses.append(loss.item())
    optimizer.step()
    return sum(losses) / len(losses)
