"""Reference solution of 12_torch_memory.

Generated from source/12_torch_memory/12_torch_memory.ipynb by `dlcourse build`; do not edit.
"""


import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

torch.manual_seed(0)
# Small models run fastest on one thread (and far faster than several on a busy shared machine).
torch.set_num_threads(1)
print("torch", torch.__version__)


def saved_bytes(fn, model=None):
    """Run ``fn()`` and return (its result, the bytes autograd saved for the backward pass).

    A linear layer also keeps a reference to its weight for the backward pass: that costs no memory,
    so tensors that share memory with ``model``'s parameters are not counted."""
    total = 0
    own = {p.untyped_storage().data_ptr() for p in model.parameters()} if model is not None else set()

    def pack(t):
        nonlocal total
        if t.untyped_storage().data_ptr() not in own:
            total += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        result = fn()
    return result, total


def deep_mlp(width=128, depth=8):
    """A stack of ``depth`` blocks Linear + GELU, as an nn.Sequential of blocks."""
    return nn.Sequential(*[nn.Sequential(nn.Linear(width, width), nn.GELU()) for _ in range(depth)])


net = deep_mlp()
n_params = sum(p.numel() for p in net.parameters())
print(f"parameters: {n_params} = {n_params * 4 / 2**20:.2f} MiB in float32; with gradients and Adam: "
      f"{4 * n_params * 4 / 2**20:.2f} MiB")
for batch in (32, 256):
    x = torch.randn(batch, 128)
    _, size = saved_bytes(lambda: net(x).sum(), net)
    print(f"batch {batch:3d}: activations saved for backward {size / 2**20:.2f} MiB")


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    batches = [16, 64, 256, 1024]
    fixed = {"parameters": n_params * 4, "gradients": n_params * 4, "Adam state": 2 * n_params * 4}
    acts = [saved_bytes(lambda: net(torch.randn(b, 128)).sum(), net)[1] for b in batches]
    bottom = np.zeros(len(batches))
    plt.figure(figsize=(7, 3.5))
    for label, value in fixed.items():
        plt.bar([str(b) for b in batches], [value / 2**20] * len(batches), bottom=bottom, label=label)
        bottom += value / 2**20
    plt.bar([str(b) for b in batches], np.array(acts) / 2**20, bottom=bottom, label="activations")
    plt.xlabel("batch size")
    plt.ylabel("MiB")
    plt.title("Training memory of an 8-block MLP (float32)")
    plt.legend()
    plt.tight_layout()
    plt.show()


torch.manual_seed(0)
small = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1))
X, Y = torch.randn(12, 5), torch.randn(12, 1)

small.zero_grad()
F.mse_loss(small(X), Y).backward()
full = [p.grad.clone() for p in small.parameters()]

small.zero_grad()
for xb, yb in zip(X.split(4), Y.split(4)):           # three micro-batches of 4
    (F.mse_loss(small(xb), yb) / 3).backward()
print("same gradient as the full batch:", all(torch.allclose(a, p.grad, atol=1e-6) for a, p in zip(full, small.parameters())))


def accumulation_step(model, optimizer, loss_fn, micro_batches):
    """One optimizer step on the gradients of all micro-batches; returns the full-batch loss."""
    # TODO 1: clear the gradients; count the samples of all micro-batches together.
    # TODO 2: for each micro-batch: its mean loss, weighted by its share of the samples; backward.
    # TODO 3: one optimizer step; return the full-batch loss (the sum of the weighted losses) as a float.
    optimizer.zero_grad()
    total = sum(len(x) for x, _ in micro_batches)
    full_loss = 0.0
    for x, y in micro_batches:
        loss = loss_fn(model(x), y) * (len(x) / total)
        loss.backward()
        full_loss += loss.item()
    optimizer.step()
    return full_loss


for dtype in (torch.float32, torch.float16, torch.bfloat16):
    info = torch.finfo(dtype)
    print(f"{str(dtype):15s} max {info.max:.3g}  smallest normal {info.tiny:.3g}  "
          f"smallest subnormal {info.tiny * info.eps:.2g}  eps {info.eps:.3g}")
for value in (1e-8, 1e-40, 1e-41, 70000.0, 3.4e38):
    f32 = torch.tensor(value, dtype=torch.float32)
    print(f"{value:g}: float32 {f32.item():.4g} | float16 {f32.half().item():.4g} | "
          f"bfloat16 {f32.bfloat16().item():.4g}")
print("1 + 1/256 in bfloat16:", torch.tensor(1 + 1 / 256, dtype=torch.bfloat16).item())


layer = nn.Linear(4, 3)
x = torch.randn(2, 4)
with torch.autocast("cpu", dtype=torch.bfloat16):
    h = layer(x)
    loss = F.mse_loss(h, torch.zeros(2, 3))
print("linear output:", h.dtype, "| mse loss:", loss.dtype, "| weight:", layer.weight.dtype)
loss.backward()
print("gradient of the weight:", layer.weight.grad.dtype)
print("float32 vs bf16 output, max difference:", (layer(x) - h.float()).abs().max().item())


def autocast_forward(model, x):
    """The model's output computed under CPU autocast in bfloat16."""
    with torch.autocast("cpu", dtype=torch.bfloat16):
        return model(x)


def scaler_demo():
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**10, growth_interval=2)
    for x in (torch.ones(4, 3), torch.full((4, 3), float("inf")), torch.ones(4, 3), torch.ones(4, 3)):
        before = model.weight.detach().clone()
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            loss = F.mse_loss(model(x), torch.zeros(4, 1))
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        print(f"loss {loss.item():9.4f}  weights changed: {not torch.equal(before, model.weight)!s:5}  "
              f"scale now {scaler.get_scale():g}")


scaler_demo()


torch.manual_seed(0)
clipped = nn.Linear(4, 2)
(clipped(torch.randn(8, 4) * 100).pow(2).mean()).backward()
norm_before = nn.utils.clip_grad_norm_(clipped.parameters(), max_norm=1.0)
norm_after = torch.norm(torch.stack([p.grad.norm() for p in clipped.parameters()]))
print(f"gradient norm {norm_before.item():.1f} -> {norm_after.item():.3f} after clip_grad_norm_(max_norm=1.0)")


def amp_step(model, optimizer, scaler, loss_fn, x, y):
    """One bf16 autocast training step through a GradScaler; returns the unscaled loss."""
    optimizer.zero_grad()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = loss_fn(model(x), y)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
    return loss.item()


torch.manual_seed(0)
blocks = deep_mlp(width=64, depth=8)
calls = [0] * len(blocks)
hooks = [block.register_forward_pre_hook(lambda m, args, i=i: calls.__setitem__(i, calls[i] + 1))
         for i, block in enumerate(blocks)]
x = torch.randn(32, 64)

out_plain, plain_size = saved_bytes(lambda: blocks(x), blocks)
out_plain.sum().backward()
grads_plain = [p.grad.clone() for p in blocks.parameters()]
print("plain:        saved", plain_size, "bytes, calls per block", calls)

blocks.zero_grad()
calls[:] = [0] * len(blocks)
out_ckpt, ckpt_size = saved_bytes(lambda: checkpoint_sequential(blocks, 4, x, use_reentrant=False), blocks)
print("checkpointed: saved", ckpt_size, "bytes, calls after forward ", calls)
out_ckpt.sum().backward()
print("              calls after backward", calls)
print("same output:", torch.allclose(out_plain, out_ckpt),
      "| same gradients:", all(torch.allclose(a, p.grad) for a, p in zip(grads_plain, blocks.parameters())))
for h in hooks:
    h.remove()


def checkpointed_forward(blocks, x, segments):
    """blocks(x) with activation checkpointing over ``segments`` segments."""
    return checkpoint_sequential(blocks, segments, x, use_reentrant=False)


if __name__ == "__main__":
    memory, seconds = {}, {}
    with needs("accumulation_step", "checkpointed_forward"):
        torch.manual_seed(0)
        model = deep_mlp(width=256, depth=16)
        data, target = torch.randn(512, 256), torch.randn(512, 256)
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

        def plain_step():
            optimizer.zero_grad()
            out, size = saved_bytes(lambda: F.mse_loss(model(data), target), model)
            out.backward()
            optimizer.step()
            return size

        def bf16_step():
            optimizer.zero_grad()
            with torch.autocast("cpu", dtype=torch.bfloat16):
                out, size = saved_bytes(lambda: F.mse_loss(model(data), target), model)
            out.backward()
            optimizer.step()
            return size

        def checkpoint_step(segments):
            def step():
                optimizer.zero_grad()
                out, size = saved_bytes(lambda: F.mse_loss(checkpointed_forward(model, data, segments), target), model)
                out.backward()
                optimizer.step()
                return size
            return step

        class Measured(nn.Module):
            """Runs a model and records the bytes each call saves for backward."""

            def __init__(self, inner):
                super().__init__()
                self.inner, self.sizes = inner, []

            def forward(self, v):
                out, size = saved_bytes(lambda: self.inner(v), self.inner)
                self.sizes.append(size)
                return out

        def accumulation_4():
            measured = Measured(model)
            accumulation_step(measured, optimizer, F.mse_loss, list(zip(data.split(128), target.split(128))))
            return max(measured.sizes)       # one micro-batch's activations are alive at a time

        configs = {"float32": plain_step, "bf16 autocast": bf16_step, "checkpoint 2": checkpoint_step(2),
                   "checkpoint 4": checkpoint_step(4), "checkpoint 8": checkpoint_step(8),
                   "accumulate 4": accumulation_4}
        for name, step in configs.items():
            step()                                           # warm-up
            start = time.perf_counter()
            for _ in range(3):
                memory[name] = step() / 2**20
            seconds[name] = (time.perf_counter() - start) / 3
            print(f"{name:14s} activations {memory[name]:6.1f} MiB   {seconds[name] * 1e3:6.1f} ms per step")


if __name__ == "__main__" and memory:
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    left.bar_label(left.bar(list(memory), list(memory.values()), color="tab:blue"), fmt="%.1f")
    left.set_ylabel("MiB saved for backward")
    right.bar_label(right.bar(list(seconds), [s * 1e3 for s in seconds.values()], color="tab:orange"), fmt="%.0f")
    right.set_yscale("log")
    right.set_ylabel("ms per training step (log scale)")
    for ax in (left, right):
        ax.tick_params(axis="x", rotation=30)
    fig.suptitle("16-block MLP, batch 512: memory against time")
    fig.tight_layout()
    plt.show()
