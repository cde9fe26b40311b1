"""Reference solution of 11_torch_distributed.

Generated from source/11_torch_distributed/11_torch_distributed.ipynb by `dlcourse build`; do not edit.
"""


import datetime
import os
import pickle
import shutil
import socket
import tempfile

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

# The examples start worker processes by *forking* this one (see section 3). A forked child
# of a process whose OpenMP thread pool has run with several threads can hang on its first
# threaded op, so this notebook computes on one thread (the models here are tiny).
torch.set_num_threads(1)
print("torch", torch.__version__, "| gloo available:", dist.is_gloo_available(),
      "| GPUs visible:", torch.cuda.device_count())


LR, BATCH_PER_RANK = 0.1, 8


def build_model():                      # the same initial weights on every rank
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1))


def make_optimizer(params):
    return torch.optim.SGD(params, lr=LR)


def global_batch(step, world_size):
    g = torch.Generator().manual_seed(1000 + step)
    x = torch.randn(BATCH_PER_RANK * world_size, 5, generator=g)
    return x, x.sum(dim=1, keepdim=True).sin()


def local_batch(step, rank, world_size):
    x, y = global_batch(step, world_size)
    return x[rank * BATCH_PER_RANK:(rank + 1) * BATCH_PER_RANK], y[rank * BATCH_PER_RANK:(rank + 1) * BATCH_PER_RANK]


x, y = global_batch(0, 2)
x0, _ = local_batch(0, 0, 2)
x1, _ = local_batch(0, 1, 2)
print("global batch:", tuple(x.shape), "| rank 0 takes", tuple(x0.shape), "| rank 1 takes", tuple(x1.shape))
print("the two slices make the whole batch:", torch.equal(torch.cat([x0, x1]), x))
print("same initial weights every time:", torch.equal(build_model()[0].weight, build_model()[0].weight))


if __name__ == "__main__":      # a picture of the two kinds of parallelism
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))

    def box(ax, x, y, w, h, text, color):
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", fc=color, ec="k"))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=9)

    for r in range(2):                              # data parallelism: 2 replicas, 2 data slices
        x0 = 0.05 + r * 0.5
        box(ax1, x0, 0.72, 0.4, 0.14, f"batch slice {r}", "#cde")
        box(ax1, x0, 0.42, 0.4, 0.2, f"rank {r}: full model copy\nforward + backward", "#fdb")
        ax1.annotate("", (x0 + 0.2, 0.62), (x0 + 0.2, 0.72), arrowprops=dict(arrowstyle="->"))
        ax1.annotate("", (x0 + 0.2, 0.28), (x0 + 0.2, 0.42), arrowprops=dict(arrowstyle="->"))
    box(ax1, 0.05, 0.1, 0.9, 0.18, "all-reduce: average the gradients\n(every rank gets the same mean)", "#bdb")
    ax1.set_title("data parallelism (DataParallel, DDP)")
    for i, name in enumerate(["layers 1-2", "layers 3-4"]):   # model parallelism: one model, 2 devices
        box(ax2, 0.05 + i * 0.6, 0.4, 0.3, 0.25, f"device {i}\n{name}", "#fdb")
    ax2.annotate("", (0.65, 0.56), (0.35, 0.56), arrowprops=dict(arrowstyle="->"))
    ax2.annotate("", (0.35, 0.48), (0.65, 0.48), arrowprops=dict(arrowstyle="->", ls="--"))
    ax2.text(0.5, 0.58, "activations (forward)", ha="center", va="bottom", fontsize=8)
    ax2.text(0.5, 0.46, "gradients (backward)", ha="center", va="top", fontsize=8)
    box(ax2, 0.05, 0.75, 0.3, 0.12, "the whole batch", "#cde")
    ax2.annotate("", (0.2, 0.65), (0.2, 0.75), arrowprops=dict(arrowstyle="->"))
    ax2.annotate("", (0.8, 0.27), (0.8, 0.4), arrowprops=dict(arrowstyle="->"))
    ax2.text(0.8, 0.25, "output, loss", ha="center", va="top", fontsize=8)
    ax2.set_title("model parallelism (pipeline)")
    for ax in (ax1, ax2):
        ax.set_xlim(0, 1), ax.set_ylim(0, 1), ax.axis("off")
    plt.show()


plain = build_model()
wrapped = nn.DataParallel(plain)                 # no GPU here: a wrapper that only forwards
x, _ = global_batch(0, 1)
print(type(wrapped).__name__, "| wraps the model:", wrapped.module is plain,
      "| same output:", torch.equal(wrapped(x), plain(x)))
print("state_dict keys gain a prefix:", list(wrapped.state_dict())[:2])


def wrap_data_parallel(model):
    """nn.DataParallel(model) when more than one GPU is visible, else the model itself."""
    if torch.cuda.device_count() > 1:
        return nn.DataParallel(model)
    return model


def free_port():
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_rank(rank, fn, world_size, args, folder):
    try:
        result = ("ok", fn(rank, world_size, *args))       # runs in the child process
    except NotImplementedError as exc:                     # an exercise not solved yet: tell the parent
        result = ("not implemented", str(exc))
    with open(os.path.join(folder, f"{rank}.pkl"), "wb") as fh:
        pickle.dump(result, fh)


def launch(fn, world_size, *args, timeout=120):
    """Run fn(rank, world_size, *args) in world_size forked processes; their results, by rank."""
    import torch._dynamo  # noqa: F401  DDP and torch.optim import it on first use (~3 s): once here, not per child

    folder = tempfile.mkdtemp()
    try:
        ctx = mp.start_processes(_run_rank, args=(fn, world_size, args, folder), nprocs=world_size,
                                 join=False, start_method="fork")
        deadline = datetime.datetime.now() + datetime.timedelta(seconds=timeout)
        while not ctx.join(timeout=1):                     # raises if a child failed
            if datetime.datetime.now() > deadline:
                for p in ctx.processes:
                    p.kill()
                raise TimeoutError(f"{fn.__name__} did not finish within {timeout} s")
        results = []
        for rank in range(world_size):
            with open(os.path.join(folder, f"{rank}.pkl"), "rb") as fh:
                results.append(pickle.load(fh))
        if any(status == "not implemented" for status, _ in results):
            raise NotImplementedError(f"a process of {fn.__name__} called an exercise that is not solved yet")
        return [value for _, value in results]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def collectives_demo(rank, world_size, port):
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                            world_size=world_size, timeout=datetime.timedelta(seconds=60))
    mine = torch.tensor([float(rank + 1), 10.0 * (rank + 1)])
    summed = mine.clone()
    dist.all_reduce(summed)                             # in place: the sum over all ranks
    from_zero = mine.clone()
    dist.broadcast(from_zero, src=0)                     # everybody gets rank 0's tensor
    gathered = [torch.zeros(2) for _ in range(world_size)]
    dist.all_gather(gathered, mine)                      # everybody gets everybody's tensor
    dist.destroy_process_group()
    return {"rank": rank, "mine": mine.tolist(),
            "all_reduce": summed.tolist(), "broadcast": from_zero.tolist(),
            "all_gather": [g.tolist() for g in gathered]}


if __name__ == "__main__":
    for result in launch(collectives_demo, 2, free_port()):
        print(result)


def setup(rank, world_size, port):
    """Join the gloo process group of `world_size` processes as `rank`; rank 0 serves it at 127.0.0.1:port."""
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world_size, timeout=datetime.timedelta(seconds=60))


def cleanup():
    """Destroy the default process group."""
    dist.destroy_process_group()


data = TensorDataset(torch.arange(10))
for epoch in (0, 1):
    shards = []
    for rank in range(2):
        sampler = DistributedSampler(data, num_replicas=2, rank=rank, shuffle=True, seed=0)
        sampler.set_epoch(epoch)
        shards.append(list(sampler))
    print(f"epoch {epoch}: rank 0 {shards[0]}  rank 1 {shards[1]}")
print("len(sampler) =", len(sampler), "samples per rank and epoch")


def shard_loader(dataset, rank, world_size, batch_size, epoch, seed=0):
    """A DataLoader over rank `rank`'s shard of `dataset` for `epoch` (DistributedSampler, shuffled with `seed`)."""
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed)
    sampler.set_epoch(epoch)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)


def ring_all_reduce(data, snapshots=None):
    """Simulate ring all-reduce over len(data) ranks: every rank's result, and how many numbers each rank sent.

    snapshots, if a list, receives after each phase the set of ranks whose values each rank's chunk holds.
    """
    n = len(data)
    chunks = [np.array_split(np.array(d, dtype=np.float64), n) for d in data]      # copies: chunks[rank][c]
    holds = [[{rank} for _ in range(n)] for rank in range(n)]                     # whose values are in them
    sent = [0] * n
    for phase in ("reduce-scatter", "all-gather"):
        for step in range(n - 1):
            # every rank sends one chunk to its right neighbour, all at the same time
            first = 0 if phase == "reduce-scatter" else 1
            messages = [(rank, (rank + first - step) % n) for rank in range(n)]
            payload = [(chunks[r][c].copy(), set(holds[r][c])) for r, c in messages]
            for (rank, c), (values, who) in zip(messages, payload):
                right = (rank + 1) % n
                if phase == "reduce-scatter":                # add the chunk to the neighbour's partial sum
                    chunks[right][c] += values
                    holds[right][c] |= who
                else:                                        # pass the finished chunk on
                    chunks[right][c] = values
                    holds[right][c] = who
                sent[rank] += values.size
        if snapshots is not None:
            snapshots.append([[set(h) for h in row] for row in holds])
    return [np.concatenate(c) for c in chunks], sent


rng = np.random.default_rng(0)
grads = [rng.standard_normal(1000) for _ in range(4)]          # 4 ranks, a gradient of M = 1000 numbers each
results, sent = ring_all_reduce(grads)
print("every rank holds the sum:", all(np.allclose(r, np.sum(grads, axis=0)) for r in results))
print("numbers sent per rank:", sent, "= 2(N-1)/N * M =", 2 * 3 / 4 * 1000)


if __name__ == "__main__":      # a picture of the ring: who sends to whom, and what each rank holds
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle

    n = 4
    snaps = [[[{rank} for _ in range(n)] for rank in range(n)]]
    ring_all_reduce([np.zeros(n) for _ in range(n)], snaps)
    fig, axes = plt.subplots(1, 4, figsize=(15, 3.8), gridspec_kw={"width_ratios": [1.1, 1, 1, 1]})
    ax = axes[0]
    spots = [(np.cos(np.pi / 2 - 2 * np.pi * r / n), np.sin(np.pi / 2 - 2 * np.pi * r / n)) for r in range(n)]
    for r, (px, py) in enumerate(spots):
        ax.add_patch(Circle((px, py), 0.28, fc="#fdb", ec="k"))
        ax.text(px, py, f"rank {r}", ha="center", va="center", fontsize=10)
        qx, qy = spots[(r + 1) % n]
        ax.annotate("", (qx * 0.8 + px * 0.2, qy * 0.8 + py * 0.2), (px * 0.8 + qx * 0.2, py * 0.8 + qy * 0.2),
                    arrowprops=dict(arrowstyle="-|>", lw=1.5, connectionstyle="arc3,rad=-0.25"))
    ax.text(0, -1.55, "each step: every rank sends one chunk\n(1/N of the tensor) to its right neighbour",
            ha="center", va="center", fontsize=9)
    ax.set_xlim(-1.5, 1.5), ax.set_ylim(-1.9, 1.4), ax.set_aspect("equal"), ax.axis("off")
    ax.set_title("the ring")
    titles = ["start: each rank has its own tensor", f"after reduce-scatter ({n - 1} steps)",
              f"after all-gather ({n - 1} more steps)"]
    for ax, snap, title in zip(axes[1:], snaps, titles):
        full = np.array([[len(snap[r][c]) / n for c in range(n)] for r in range(n)])
        ax.imshow(full, cmap="Greens", vmin=0, vmax=1.15)
        for r in range(n):
            for c in range(n):
                who = snap[r][c]
                label = "Σ all" if len(who) == n else "+".join(str(w) for w in sorted(who))
                ax.text(c, r, label, ha="center", va="center", fontsize=9)
        ax.set_xticks(range(n), [f"chunk {c}" for c in range(n)], fontsize=8)
        ax.set_yticks(range(n), [f"rank {r}" for r in range(n)], fontsize=8)
        ax.set_title(title, fontsize=10)
    fig.suptitle("ring all-reduce over 4 ranks: the cells say whose values each rank's chunk holds", fontsize=11)
    plt.tight_layout()
    plt.show()


def average_gradients(model):
    """All-reduce every parameter's gradient and divide by the world size (what DDP does)."""
    world_size = dist.get_world_size()
    for p in model.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            p.grad /= world_size


def train_single(steps, world_size):
    """Reference: one process trains build_model() on the combined batches."""
    model, loss_fn = build_model(), nn.MSELoss()
    optimizer = make_optimizer(model.parameters())
    for step in range(steps):
        x, y = global_batch(step, world_size)
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
    return model.state_dict()


def manual_worker(rank, world_size, port, steps):
    setup(rank, world_size, port)
    model, loss_fn = build_model(), nn.MSELoss()
    optimizer = make_optimizer(model.parameters())
    for step in range(steps):
        x, y = local_batch(step, rank, world_size)
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        average_gradients(model)                 # the only line that differs from one process
        optimizer.step()
    cleanup()
    return model.state_dict()


if __name__ == "__main__":
    with needs("setup", "average_gradients", "cleanup"):
        states = launch(manual_worker, 2, free_port(), 5)
        reference = train_single(5, 2)
        for key in reference:
            print(f"{key:9s} rank0 = rank1: {torch.equal(states[0][key], states[1][key])}  "
                  f"| max |rank0 - single process| = {(states[0][key] - reference[key]).abs().max():.1e}")


if __name__ == "__main__":      # a picture of DDP's gradient buckets: all-reduce overlaps backward
    import matplotlib.pyplot as plt

    layers = [4, 3, 2, 1]                             # backward meets the layers last to first
    compute = 1.0                                     # illustrative: one time unit per layer's gradients
    buckets = [[4, 3], [2, 1]]                        # DDP's buckets, in backward order
    comm = 1.3                                        # illustrative: one bucket's all-reduce
    fig, axes = plt.subplots(2, 1, figsize=(11, 3.6), sharex=True)
    for ax, title, overlap in ((axes[0], "average_gradients: all-reduce after backward", False),
                               (axes[1], "DDP: each bucket's all-reduce starts as soon as its gradients are ready", True)):
        for i, layer in enumerate(layers):
            ax.barh(1, compute, left=i * compute, color="#fdb", edgecolor="k")
            ax.text(i * compute + compute / 2, 1, f"grad of\nlayer {layer}", ha="center", va="center", fontsize=8)
        start = 0.0 if overlap else len(layers) * compute          # when the network is free
        for b, bucket in enumerate(buckets):
            ready = (layers.index(bucket[-1]) + 1) * compute
            begin = max(ready, start)
            ax.barh(0, comm, left=begin, color="#bdb", edgecolor="k")
            ax.text(begin + comm / 2, 0, f"all-reduce\nbucket {b} (layers {bucket[0]},{bucket[1]})",
                    ha="center", va="center", fontsize=8)
            start = begin + comm
        ax.axvline(start, color="r", ls="--")
        ax.text(start + 0.05, 1.45, f"step can start: t = {start:.1f}", color="r", fontsize=8, va="top")
        ax.set_yticks([0, 1], ["communication", "computation"])
        ax.set_ylim(-0.6, 1.6)
        ax.set_title(title, fontsize=10, loc="left")
    axes[1].set_xlabel("time (illustrative units)")
    plt.tight_layout()
    plt.show()


def ddp_demo(rank, world_size, port):
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                            world_size=world_size, timeout=datetime.timedelta(seconds=60))
    torch.manual_seed(rank)                              # on purpose: another model on each rank
    model = nn.Linear(3, 1)
    before = model.weight.detach().clone()
    ddp = DDP(model)                                     # broadcasts rank 0's parameters to every rank
    x = torch.full((2, 3), float(rank + 1))              # each rank: its own data
    ddp(x).pow(2).mean().backward()                      # the gradients are averaged over the ranks here
    show = lambda t: "[" + ", ".join(f"{v:+.3f}" for v in t.flatten().tolist()) + "]"
    line = (f"rank {rank}: weight before DDP {show(before)} | after {show(model.weight.detach())}"
            f" | gradient {show(model.weight.grad)} | bucket cap {ddp.bucket_bytes_cap / 2**20:.0f} MiB")
    dist.destroy_process_group()
    return line


if __name__ == "__main__":
    for line in launch(ddp_demo, 2, free_port()):
        print(line)


def train_worker(rank, world_size, port, steps, out_dir):
    """One rank of DDP training: `steps` steps on local_batch, then save to out_dir/rank{rank}.pt."""
    # TODO 1: join the process group with setup(...).
    # TODO 2: wrap build_model() in DDP; an optimizer from make_optimizer over its parameters; an MSE loss.
    # TODO 3: for each step: zero the gradients, forward this rank's local_batch, backward, optimizer step.
    # TODO 4: torch.save the plain model's state dict (the DDP model's .module) to out_dir/rank{rank}.pt.
    # TODO 5: cleanup() at the end, also when a step raised (try/finally).
    setup(rank, world_size, port)
    try:
        model = DDP(build_model())
        optimizer = make_optimizer(model.parameters())
        loss_fn = nn.MSELoss()
        for step in range(steps):
            x, y = local_batch(step, rank, world_size)
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
        torch.save(model.module.state_dict(), os.path.join(out_dir, f"rank{rank}.pt"))
    finally:
        cleanup()


if __name__ == "__main__":
    out_dir = tempfile.mkdtemp()
    with needs("train_worker"):
        launch(lambda rank, world_size, port: train_worker(rank, world_size, port, 20, out_dir), 2, free_port())
        saved = [torch.load(os.path.join(out_dir, f"rank{r}.pt")) for r in range(2)]
        reference = train_single(20, 2)
        for key in reference:
            print(f"{key:9s} rank0 = rank1: {torch.equal(saved[0][key], saved[1][key])}  "
                  f"| max |rank0 - single process| = {(saved[0][key] - reference[key]).abs().max():.1e}")
    shutil.rmtree(out_dir)


def ddp_fit(rank, world_size, port, checkpoint, epochs=3):
    setup(rank, world_size, port)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 5, generator=g)
    data = TensorDataset(x, x.sum(dim=1, keepdim=True).sin())
    model = DDP(build_model())
    optimizer, loss_fn = make_optimizer(model.parameters()), nn.MSELoss()
    history = []
    for epoch in range(epochs):
        loader = shard_loader(data, rank, world_size, batch_size=8, epoch=epoch)   # a new order each epoch
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        mean = torch.tensor([total, len(loader.sampler)], dtype=torch.float64)
        dist.all_reduce(mean)                           # the epoch's loss over all ranks' samples
        history.append(mean[0].item() / mean[1].item())
        if rank == 0:                                   # one checkpoint per epoch, by one rank
            torch.save({"epoch": epoch, "model": model.module.state_dict()}, checkpoint)
        dist.barrier()                                  # nobody reads it before it is written
    cleanup()
    return history


if __name__ == "__main__":
    checkpoint = os.path.join(tempfile.mkdtemp(), "checkpoint.pt")
    with needs("setup", "shard_loader", "cleanup"):
        histories = launch(ddp_fit, 2, free_port(), checkpoint)
        print("checkpoint of epoch", torch.load(checkpoint)["epoch"], "written by rank 0")
        print("epoch losses, rank 0:", [round(v, 4) for v in histories[0]])
        print("epoch losses, rank 1:", [round(v, 4) for v in histories[1]], "(the same: all-reduced)")


class TwoDeviceModel(nn.Module):
    """Pipeline model parallelism by hand: the first half on dev0, the second on dev1."""

    def __init__(self, dev0="cpu", dev1="cpu"):
        super().__init__()
        self.dev0, self.dev1 = torch.device(dev0), torch.device(dev1)
        torch.manual_seed(0)
        self.part1 = nn.Sequential(nn.Linear(5, 16), nn.Tanh()).to(self.dev0)
        self.part2 = nn.Linear(16, 1).to(self.dev1)

    def forward(self, x):
        h = self.part1(x.to(self.dev0))
        return self.part2(h.to(self.dev1))     # the activations travel between devices


split = TwoDeviceModel()
x, y = global_batch(0, 1)
loss = nn.MSELoss()(split(x), y.to(split.dev1))
loss.backward()                                # gradients flow back across the same boundary
print("devices:", split.part1[0].weight.device, split.part2.weight.device,
      "| same function as build_model():", torch.allclose(split(x), build_model()(x)))
