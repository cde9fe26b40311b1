"""The sampler does not shuffle: shards in index order, the same every epoch.

breaks: shard_loader
"""
from torch.utils.data import DataLoader, DistributedSampler


def shard_loader(dataset, rank, world_size, batch_size, epoch, seed=0):
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=False, seed=seed)
    sampler.set_epoch(epoch)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
