"""A plain shuffled DataLoader, no DistributedSampler: every rank sees the whole data set.

breaks: shard_loader
"""
import torch
from torch.utils.data import DataLoader


def shard_loader(dataset, rank, world_size, batch_size, epoch, seed=0):
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed + epoch))
