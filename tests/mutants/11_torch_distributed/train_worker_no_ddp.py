"""The model is not wrapped in DDP (nor are gradients averaged): each rank trains on its slice alone.

breaks: train_worker
"""
import os

import torch
from torch import nn


def train_worker(rank, world_size, port, steps, out_dir):
    setup(rank, world_size, port)
    model = build_model()
    optimizer = make_optimizer(model.parameters())
    for step in range(steps):
        x, y = local_batch(step, rank, world_size)
        optimizer.zero_grad()
        nn.MSELoss()(model(x), y).backward()
        optimizer.step()
    torch.save(model.state_dict(), os.path.join(out_dir, f"rank{rank}.pt"))
    cleanup()
