"""amp_step never clears the gradients: a second step in a row adds the previous batch's gradients to its own.

breaks: amp_step
"""
import torch


def amp_step(model, optimizer, scaler, loss_fn, x, y):
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = loss_fn(model(x), y)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
    return loss.item()
