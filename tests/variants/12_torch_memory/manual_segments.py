"""Another correct 12: accumulation with the loss of each micro-batch weighted by its share and
the full loss summed as a tensor, autocast through torch.amp.autocast with device_type, amp_step
with the loss detached before returning, and checkpointing written by hand: the blocks split
into `segments` nn.Sequential slices, each run through torch.utils.checkpoint.checkpoint.

covers: accumulation_step, autocast_forward, amp_step, checkpointed_forward
"""
import torch
from torch import nn
from torch.utils.checkpoint import checkpoint


def accumulation_step(model, optimizer, loss_fn, micro_batches):
    for p in model.parameters():
        p.grad = None
    n_total = sum(int(x.shape[0]) for x, _ in micro_batches)
    full = torch.zeros(())
    for x, y in micro_batches:
        share = x.shape[0] / n_total
        weighted = share * loss_fn(model(x), y)
        weighted.backward()
        full = full + weighted.detach()
    optimizer.step()
    return float(full)


def autocast_forward(model, x):
    with torch.amp.autocast(device_type="cpu", dtype=torch.bfloat16):
        out = model(x)
    return out


def amp_step(model, optimizer, scaler, loss_fn, x, y):
    optimizer.zero_grad(set_to_none=True)
    with torch.amp.autocast("cpu", dtype=torch.bfloat16):
        out = model(x)
        loss = loss_fn(out, y)
    scaled = scaler.scale(loss)
    scaled.backward()
    scaler.step(optimizer)
    scaler.update()
    return float(loss.detach().float())


def checkpointed_forward(blocks, x, segments):
    layers = list(blocks)
    n = len(layers)
    size = (n + segments - 1) // segments
    h = x
    for start in range(0, n, size):
        part = nn.Sequential(*layers[start:start + size])
        if start + size >= n:
            h = part(h)                      # the last segment runs plainly, as checkpoint_sequential does
        else:
            h = checkpoint(part, h, use_reentrant=False)
    return h
