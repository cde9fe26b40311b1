"""train_worker trains and saves correctly but returns without destroying the process group.

breaks: train_worker
"""
import os

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP


def train_worker(rank, world_size, port, steps, out_dir):
    setup(rank, world_size, port)
    model = DDP(build_model())
    optimizer = make_optimizer(model.parameters())
    for step in range(steps):
        x, y = local_batch(step, rank, world_size)
        optimizer.zero_grad()
        nn.MSELoss()(model(x), y).backward()
        optimizer.step()
    torch.save(model.module.state_dict(), os.path.join(out_dir, f"rank{rank}.pt"))
