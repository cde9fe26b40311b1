"""Another correct 11: setup through an init_method URL (tcp://127.0.0.1:port) instead of
MASTER_ADDR/PORT, gradients averaged through one flattened buffer (a single all_reduce), a
loader whose sampler is built from keyword arguments, and train_worker with set_to_none
zeroing and the optimizer over model.module's parameters.

covers: setup, cleanup, shard_loader, average_gradients, train_worker, wrap_data_parallel
"""
import os

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader
from torch.utils.data.distributed import DistributedSampler


def setup(rank, world_size, port):
    dist.init_process_group(backend="gloo", init_method=f"tcp://127.0.0.1:{port}",
                            rank=rank, world_size=world_size)


def cleanup():
    if dist.is_initialized():
        dist.destroy_process_group()


def shard_loader(dataset, rank, world_size, batch_size, epoch, seed=0):
    sampler = DistributedSampler(dataset=dataset, rank=rank, num_replicas=world_size, seed=seed, shuffle=True)
    sampler.set_epoch(epoch)
    return DataLoader(dataset, sampler=sampler, batch_size=batch_size, shuffle=False)


def average_gradients(model):
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    if not grads:
        return
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat)
    flat.div_(dist.get_world_size())
    offset = 0
    for g in grads:
        n = g.numel()
        g.copy_(flat[offset:offset + n].view_as(g))
        offset += n


def train_worker(rank, world_size, port, steps, out_dir):
    setup(rank, world_size, port)
    try:
        ddp = DistributedDataParallel(build_model())
        opt = make_optimizer(ddp.module.parameters())
        mse = nn.MSELoss()
        for step in range(steps):
            inputs, targets = local_batch(step, rank, world_size)
            opt.zero_grad(set_to_none=True)
            loss = mse(ddp(inputs), targets)
            loss.backward()
            opt.step()
        state = {k: v.detach().clone() for k, v in ddp.module.state_dict().items()}
        torch.save(state, os.path.join(out_dir, "rank%d.pt" % rank))
    finally:
        cleanup()


def wrap_data_parallel(model):
    return nn.DataParallel(model) if torch.cuda.is_available() and torch.cuda.device_count() >= 2 else model
