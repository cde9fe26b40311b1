"""The sampler is made without the shuffle seed (it always uses the default, 0).

breaks: shard_loader
"""
from torch.utils.data import DataLoader, DistributedSampler


def shard_loader(dataset, rank, world_size, batch_size, epoch, seed=0):
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True)
    sampler.set_epoch(epoch)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
