"""Another correct 11: average_gradients launches one asynchronous all_reduce per gradient
(async_op=True) with a pre-divided gradient, then waits on all of them; train_worker strips
the "module." prefix from the DDP model's own state_dict instead of using .module; shard_loader
passes the sampler positionally.

covers: average_gradients, train_worker, shard_loader
"""
import os

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler


def average_gradients(model):
    n = dist.get_world_size()
    works = []
    for p in model.parameters():
        if p.grad is not None:
            p.grad.mul_(1.0 / n)
            works.append(dist.all_reduce(p.grad, op=dist.ReduceOp.SUM, async_op=True))
    for w in works:
        w.wait()


def shard_loader(dataset, rank, world_size, batch_size, epoch, seed=0):
    sampler = DistributedSampler(dataset, world_size, rank, True, seed)
    sampler.set_epoch(epoch)
    return DataLoader(dataset, batch_size, False, sampler)


def train_worker(rank, world_size, port, steps, out_dir):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world_size)
    try:
        model = DDP(build_model())
        optimizer = make_optimizer(model.parameters())
        criterion = nn.MSELoss()
        step = 0
        while step < steps:
            x, y = local_batch(step, rank, world_size)
            for p in model.parameters():
                p.grad = None
            criterion(model(x), y).backward()
            optimizer.step()
            step += 1
        state = {k.removeprefix("module."): v for k, v in model.state_dict().items()}
        torch.save(state, f"{out_dir}/rank{rank}.pt")
    finally:
        dist.destroy_process_group()
