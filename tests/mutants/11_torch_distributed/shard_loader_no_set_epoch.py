"""The sampler's epoch is never set: every epoch sees the same order.

breaks: shard_loader
"""
from torch.utils.data import DataLoader, DistributedSampler


def shard_loader(dataset, rank, world_size, batch_size, epoch, seed=0):
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
