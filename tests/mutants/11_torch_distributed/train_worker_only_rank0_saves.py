"""Only rank 0 saves its state dict (the contract asks every rank to save its own file).

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
    if rank == 0:
        torch.save(model.module.state_dict(), os.path.join(out_dir, f"rank{rank}.pt"))
    cleanup()
