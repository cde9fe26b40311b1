"""Another correct 12: accumulation via loss_fn's mean times the micro-batch size, divided by
the total once per micro-batch through a float, the full-batch loss as the size-weighted
average of the micro-batch losses; checkpoint_sequential called with keyword arguments.

covers: accumulation_step, checkpointed_forward, autocast_forward
"""
import torch
from torch.utils.checkpoint import checkpoint_sequential


def accumulation_step(model, optimizer, loss_fn, micro_batches):
    optimizer.zero_grad(set_to_none=True)
    sizes = [len(y) for _, y in micro_batches]
    total = float(sum(sizes))
    weighted_sum = 0.0
    for (x, y), n in zip(micro_batches, sizes):
        loss = loss_fn(model(x), y)
        (loss * n / total).backward()
        weighted_sum += loss.item() * n
    optimizer.step()
    return weighted_sum / total


def checkpointed_forward(blocks, x, segments):
    return checkpoint_sequential(functions=blocks, segments=segments, input=x, use_reentrant=False)


@torch.autocast("cpu", dtype=torch.bfloat16)
def autocast_forward(model, x):
    return model(x)
