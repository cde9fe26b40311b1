"""accumulation_step backpropagates every micro-batch's mean loss unscaled: the gradient is a sum, k times too large.

breaks: accumulation_step
"""


def accumulation_step(model, optimizer, loss_fn, micro_batches):
    optimizer.zero_grad()
    total = sum(len(x) for x, _ in micro_batches)
    full_loss = 0.0
    for x, y in micro_batches:
        loss = loss_fn(model(x), y)
        loss.backward()
        full_loss += loss.item() * len(x) / total
    optimizer.step()
    return full_loss
