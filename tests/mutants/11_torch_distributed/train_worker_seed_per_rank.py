"""The model is built with a seed that depends on the rank instead of build_model()'s fixed one;
DDP broadcasts rank 0's copy, so the ranks agree, but training starts from other weights.

breaks: train_worker
"""
import os

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP


def train_worker(rank, world_size, port, steps, out_dir):
    setup(rank, world_size, port)
    torch.manual_seed(100 + rank)
    model = DDP(nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1)))
    optimizer = make_optimizer(model.parameters())
    for step in range(steps):
        x, y = local_batch(step, rank, world_size)
        optimizer.zero_grad()
        nn.MSELoss()(model(x), y).backward()
        optimizer.step()
    torch.save(model.module.state_dict(), os.path.join(out_dir, f"rank{rank}.pt"))
    cleanup()
