"""Hidden graders of shard_loader: disjoint covering shards, DistributedSampler's order for the seed and epoch."""
import numpy as np
import torch
from torch.utils.data import DistributedSampler

from dlcourse.grading import expect, graded, probe


@probe
def probe_shards(mod, n, world_size, batch_size, epoch, seed):
    # Every rank's loader over a dataset of the numbers 0..n-1: the batches it yields, as lists.
    from torch.utils.data import DataLoader, TensorDataset

    data = TensorDataset(torch.arange(n))
    out = []
    for rank in range(world_size):
        loader = mod.shard_loader(data, rank, world_size, batch_size, epoch, *([] if seed is None else [seed]))
        if not isinstance(loader, DataLoader):
            return {"kind": type(loader).__name__}
        out.append([[int(i) for i in batch[0]] for batch in loader])
    return {"kind": "DataLoader", "batches": out}


def expected(n, world_size, epoch, seed):
    """Each rank's indices in order, as DistributedSampler(shuffle=True, seed=seed) gives them at `epoch`."""
    shards = []
    for rank in range(world_size):
        sampler = DistributedSampler(range(n), num_replicas=world_size, rank=rank, shuffle=True, seed=seed)
        sampler.set_epoch(epoch)
        shards.append([int(i) for i in sampler])
    return shards


def draw(rng):
    world_size = int(rng.integers(2, 5))
    n = world_size * int(rng.integers(6, 15))
    return n, world_size, int(rng.integers(2, 6))


def shards_of(sub, n, world_size, batch_size, epoch, seed):
    got = sub.run(probe_shards, n, world_size, batch_size, epoch, seed)
    expect(got["kind"] == "DataLoader", f"shard_loader should return a DataLoader, got a {got['kind']}")
    for batches in got["batches"]:
        sizes = [len(b) for b in batches]
        expect(all(s == batch_size for s in sizes[:-1]) and 0 < sizes[-1] <= batch_size,
               f"the loader's batches have sizes {sizes}; expected batches of batch_size={batch_size}")
    return [[i for b in batches for i in b] for batches in got["batches"]]


@graded("shard_loader", points=1)
def test_shard_loader_shards_are_disjoint_and_cover(sub, rng):
    for _ in range(2):
        n, world_size, batch_size = draw(rng)
        shards = shards_of(sub, n, world_size, batch_size, int(rng.integers(0, 10)), int(rng.integers(0, 100)))
        sizes = [len(s) for s in shards]
        expect(sizes == [n // world_size] * world_size,
               f"with {n} samples and {world_size} ranks the shards have sizes {sizes}; each rank should get {n // world_size}")
        seen = [i for s in shards for i in s]
        expect(sorted(seen) == list(range(n)),
               "the ranks' shards overlap or miss samples: together they should hold every sample exactly once")


@graded("shard_loader", points=1)
def test_shard_loader_follows_the_distributed_sampler(sub, rng):
    n, world_size, batch_size = draw(rng)
    epoch, seed = int(rng.integers(1, 10)), int(rng.integers(1, 100))
    shards = shards_of(sub, n, world_size, batch_size, epoch, seed)
    expect(shards == expected(n, world_size, epoch, seed),
           "the samples do not come in the order of a DistributedSampler(shuffle=True, seed=seed) at the given epoch")
    shards = shards_of(sub, n, world_size, batch_size, epoch, None)
    expect(shards == expected(n, world_size, epoch, 0),
           "called without a seed, the samples do not come in the order of a DistributedSampler(shuffle=True, "
           "seed=0) at the given epoch: the seed defaults to 0")


@graded("shard_loader", points=1)
def test_shard_loader_order_changes_with_the_epoch(sub, rng):
    n, world_size, batch_size = draw(rng)
    seed = int(rng.integers(0, 100))
    first, second = (int(e) for e in rng.choice(10, size=2, replace=False))
    a = shards_of(sub, n, world_size, batch_size, first, seed)
    b = shards_of(sub, n, world_size, batch_size, second, seed)
    expect(a != b, f"epochs {first} and {second} give the same order: set the sampler's epoch so each epoch reshuffles")
    expect(a == expected(n, world_size, first, seed) and b == expected(n, world_size, second, seed),
           "the order at a given epoch is not the one DistributedSampler gives after set_epoch(epoch)")


@graded("shard_loader", points=1)
def test_shard_loader_order_follows_the_seed(sub, rng):
    n, world_size, batch_size = draw(rng)
    epoch = int(rng.integers(0, 10))
    first, second = (int(s) for s in rng.choice(np.arange(1, 1000), size=2, replace=False))
    a = shards_of(sub, n, world_size, batch_size, epoch, first)
    b = shards_of(sub, n, world_size, batch_size, epoch, second)
    expect(a != b, f"seeds {first} and {second} give the same order: pass the seed to the DistributedSampler")
    expect(a == expected(n, world_size, epoch, first) and b == expected(n, world_size, epoch, second),
           "the order for a given seed is not the one DistributedSampler(shuffle=True, seed=seed) gives")
