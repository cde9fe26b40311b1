"""amp_step asks autocast for float32 on the CPU: autocast does not support it there, disables itself
(with a warning), and the forward runs in float32, not bfloat16.

breaks: amp_step
"""
import torch


def amp_step(model, optimizer, scaler, loss_fn, x, y):
    optimizer.zero_grad()
    with torch.autocast("cpu", dtype=torch.float32):
        loss = loss_fn(model(x), y)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
    return loss.item()
