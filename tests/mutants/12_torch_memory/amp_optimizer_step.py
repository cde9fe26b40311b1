"""amp_step calls optimizer.step() instead of scaler.step(optimizer): scaled gradients, no skipping.

breaks: amp_step
"""
import torch


def amp_step(model, optimizer, scaler, loss_fn, x, y):
    optimizer.zero_grad()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = loss_fn(model(x), y)
    scaler.scale(loss).backward()
    optimizer.step()
    scaler.update()
    return loss.item()
