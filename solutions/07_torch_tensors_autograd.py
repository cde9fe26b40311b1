"""Reference solution of 07_torch_tensors_autograd.

Generated from source/07_torch_tensors_autograd/07_torch_tensors_autograd.ipynb by `dlcourse build`; do not edit.
"""


import math
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
print("torch", torch.__version__, "| CUDA available:", torch.cuda.is_available())
if __name__ == "__main__":
    torch.set_num_threads(1)   # the examples are tiny: one thread is enough, and never waits for a busy second core


if __name__ == "__main__":      # a drawing: the PyTorch notebooks and what each builds on
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    boxes = {"07": (0, 1, "07 tensors\n& autograd"), "08": (3, 1, "08 training\nloop"),
             "09": (6, 1, "09 transfer\nlearning"), "10": (9, 1, "10 deployment\n(export, ONNX)"),
             "11": (3, -1, "11 distributed\n(DDP)"), "12": (6, -1, "12 memory\n(AMP, checkpoints)"),
             "13": (9, -1, "13 ecosystem\n(Lightning, Optuna)")}
    arrows = [("07", "08"), ("08", "09"), ("09", "10"), ("08", "11"), ("08", "12"), ("08", "13")]
    fig, ax = plt.subplots(figsize=(10, 3.4))
    for key, (x, y, label) in boxes.items():
        main = y > 0
        ax.add_patch(FancyBboxPatch((x - 1.1, y - 0.45), 2.2, 0.9, boxstyle="round,pad=0.05",
                                    fc="#dbe9f6" if main else "#fdebd0", ec="black"))
        ax.text(x, y, label, ha="center", va="center", fontsize=10)
    for a, b in arrows:
        (x0, y0, _), (x1, y1, _) = boxes[a], boxes[b]
        start = (x0 + 1.15, y0) if y0 == y1 else (x0, y0 - 0.5)
        end = (x1 - 1.15, y1) if y0 == y1 else (x1 - 1.15, y1 + 0.2)
        ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "lw": 1.5})
    ax.text(4.5, 1.75, "the main path: from tensors to a deployed model", ha="center", fontsize=10)
    ax.text(6.0, -1.75, "branches once you can train: scale out, save memory, automate", ha="center", fontsize=10)
    ax.set_xlim(-1.5, 10.5)
    ax.set_ylim(-2.1, 2.1)
    ax.axis("off")
    plt.show()


x = torch.tensor(3.0, requires_grad=True)
y = x * 2
print("y after one line:", y)            # a value right away: no session, no compile step

steps = 0
while y.abs() < 100:                     # ordinary Python control flow, decided by the data
    y = y * y
    steps += 1
y.backward()                             # differentiate the path that was actually run
print(f"{steps} squarings: y = {y.item():.0f}, dy/dx = {x.grad.item():.0f} (64 * 3**3 = {64 * 27})")


a = torch.tensor([[1, 2, 3], [4, 5, 6]])        # int64, inferred from the Python ints
b = torch.zeros(2, 3)                            # float32: PyTorch's default float type
c = torch.arange(0, 10, 2)                       # tensor([0, 2, 4, 6, 8])
d = torch.linspace(0, 1, steps=5)                # 5 evenly spaced points, ends included
g = torch.Generator().manual_seed(0)
e = torch.randn(2, 3, generator=g)               # reproducible random numbers
f = torch.full_like(a, 7)                        # same shape and dtype as a
print(a.dtype, b.dtype, c, d, e.shape, f, sep="\n")

arr = np.arange(6.0).reshape(2, 3)
shared = torch.from_numpy(arr)                   # float64, the same memory as arr
arr[0, 0] = 100.0
print("changed through NumPy:", shared[0, 0].item())
copied = torch.tensor(arr)                       # an independent copy


x = torch.arange(6.0).reshape(2, 3)
print(x * x, x @ x.T, sep="\n")                      # elementwise vs matrix product
print(x.sum(), x.mean(dim=0), x.max(dim=1).values)    # reductions along a dimension
print(x + torch.tensor([100.0, 200.0, 300.0]))         # broadcasting (2, 3) + (3,)
print(x[x > 2.5])                                     # boolean mask -> 1-D tensor
print(torch.cat([x, x]).shape, torch.stack([x, x]).shape)
x.add_(1)                                             # in place: x itself changes
print(x)


i = torch.tensor([1, 2, 3])
print(i.dtype, (i / 2).dtype, (i + 0.5).dtype, (i // 2).dtype)
print((torch.ones(2, dtype=torch.float64) + torch.ones(2)).dtype)   # float64 wins
h = i.to(torch.float16)
print(h, h.dtype, i.double().dtype, i.bool())
print("float16: eps", torch.finfo(torch.float16).eps, "max", torch.finfo(torch.float16).max)
print(torch.tensor(0.1, dtype=torch.float32).item(), torch.tensor(0.1, dtype=torch.float64).item())


device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
x = torch.randn(3, 3)
y = x.to(device)                        # on the GPU when there is one
z = torch.ones(3, device=device)        # created there directly
result = (y @ z).cpu().numpy()          # compute on the device, back to the CPU for NumPy
print(x.device, y.device, z.device, result.shape)

m = torch.empty(1000, 1000, 1000, device="meta")   # no memory is allocated for a meta tensor
print(m.shape, m.device, m.dtype)


def tensor_summary(t):
    """Describe tensor ``t``: its shape, dtype name, device, requires_grad and contiguity."""
    return {
        "shape": tuple(t.shape),
        "dtype": str(t.dtype).removeprefix("torch."),
        "device": str(t.device),
        "requires_grad": t.requires_grad,
        "contiguous": t.is_contiguous(),
    }


def best_device():
    """The device to compute on: CUDA when it is available, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


x = torch.arange(12)
m = x.view(3, 4)
print(m.shape, m.stride(), m.is_contiguous())          # torch.Size([3, 4]) (4, 1) True
m[0, 0] = 100                                           # a view: x changes too
print("x[0] =", x[0].item())

t = m.T                                                 # transpose: the strides swap
print(t.shape, t.stride(), t.is_contiguous())           # torch.Size([4, 3]) (1, 4) False
try:
    t.view(12)
except RuntimeError as err:
    print("view refused:", str(err).split(".")[0])
print(t.reshape(12))                                    # reshape copies when it has to
print(t.contiguous().stride())                          # a contiguous copy: (3, 1)

print(m[1:, ::2], m[:, ::2].is_contiguous())            # slices are views, often not contiguous
print(m.unsqueeze(0).shape, m.flatten().shape, m.permute(1, 0).shape)


seq = torch.arange(8)
print(seq.unfold(0, 4, 2))                    # windows of length 4, every 2 elements

img = torch.arange(2 * 4 * 4.0).reshape(2, 4, 4)        # C=2, H=W=4
tiles = img.unfold(1, 2, 2).unfold(2, 2, 2)             # (C, H/2, W/2, 2, 2), still a view
print(tiles.shape, "| top-right tile of channel 0:", tiles[0, 0, 1].tolist())
cols = F.unfold(img[None], kernel_size=2, stride=2)     # (N=1, C*2*2=8, L=4 patches)
print(cols.shape, "| patch 1 (top right), both channels:", cols[0, :, 1].tolist())


if __name__ == "__main__":      # a picture: which pixel of the image lands where in the patch matrix
    import matplotlib.pyplot as plt

    p, size = 2, 6                                          # a (1, 6, 6) image in 2x2 patches: 9 patches
    image = torch.arange(size * size).reshape(1, size, size)
    patches = F.unfold(image[None].float(), p, stride=p)[0].T.long()   # (9, 4): one row per patch
    n = len(patches)
    patch_of_pixel = torch.arange(n).reshape(size // p, size // p).repeat_interleave(p, 0).repeat_interleave(p, 1)

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4.5), gridspec_kw={"width_ratios": [1, 0.75]})
    left.imshow(patch_of_pixel, cmap="tab10", vmin=0, vmax=9)
    for r in range(size):
        for c in range(size):
            left.text(c, r, int(image[0, r, c]), ha="center", va="center", fontsize=11)
    for k in range(0, size + 1, p):
        left.axhline(k - 0.5, color="black", lw=2)
        left.axvline(k - 0.5, color="black", lw=2)
    left.set_title(f"image (1, {size}, {size}): pixel numbers,\ncoloured by patch ({p}x{p}, row-major)")
    right.imshow(torch.arange(n)[:, None].expand(n, p * p), cmap="tab10", vmin=0, vmax=9, aspect="auto")
    for i in range(n):
        for j in range(p * p):
            right.text(j, i, int(patches[i, j]), ha="center", va="center", fontsize=11)
    right.set_yticks(range(n))
    right.set_xticks(range(p * p))
    right.set_ylabel("patch = row of the result")
    right.set_xlabel("position in the flattened patch")
    right.set_title(f"patches {tuple(patches.shape)}")
    plt.tight_layout()
    plt.show()


def to_patches(img, p):
    """Cut ``img`` (C, H, W) into non-overlapping p x p patches: (H//p * W//p, C*p*p)."""
    c, h, w = img.shape
    x = img.reshape(c, h // p, p, w // p, p)          # (C, rows, p, cols, p)
    x = x.permute(1, 3, 0, 2, 4)                      # (rows, cols, C, p, p)
    return x.reshape((h // p) * (w // p), c * p * p)


if __name__ == "__main__":      # a drawing: the graph autograd records for y = tanh(w*x + b)
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    nodes = {"w": (0, 2.2, "w\nleaf (requires grad)"), "x": (0, 1.1, "x\ndata"), "b": (0, 0, "b\nleaf (requires grad)"),
             "mul": (3.2, 1.65, "w * x\nMulBackward0"), "add": (6.4, 1.1, "+ b\nAddBackward0"),
             "tanh": (9.4, 1.1, "tanh\nTanhBackward0"), "y": (12, 1.1, "y")}
    fig, ax = plt.subplots(figsize=(11, 3.8))
    for key, (cx, cy, label) in nodes.items():
        color = "#d5f5e3" if key in ("w", "b") else ("#eeeeee" if key == "x" else "#dbe9f6")
        ax.add_patch(FancyBboxPatch((cx - 1.1, cy - 0.32), 2.2, 0.64, boxstyle="round,pad=0.05", fc=color, ec="black"))
        ax.text(cx, cy, label, ha="center", va="center", fontsize=9)
    for a, b in [("w", "mul"), ("x", "mul"), ("mul", "add"), ("b", "add"), ("add", "tanh"), ("tanh", "y")]:
        (x0, y0, _), (x1, y1, _) = nodes[a], nodes[b]
        ax.annotate("", xy=(x1 - 1.15, y1), xytext=(x0 + 1.15, y0), arrowprops={"arrowstyle": "->", "lw": 1.4})
    for a, b in [("y", "tanh"), ("tanh", "add"), ("add", "mul"), ("mul", "w"), ("add", "b")]:
        (x0, y0, _), (x1, y1, _) = nodes[a], nodes[b]
        ax.annotate("", xy=(x1 + 0.3, y1 - 0.4), xytext=(x0 - 0.3, y0 - 0.4),
                    arrowprops={"arrowstyle": "->", "lw": 1.2, "ls": "--", "color": "tab:red",
                                "connectionstyle": "arc3,rad=-0.25"})
    ax.text(6.2, 2.85, "forward pass: values (black)        y.backward(): gradients (red, dashed)", ha="center")
    ax.text(8.5, -0.35, "backward ends in AccumulateGrad nodes:\nw.grad and b.grad are filled, x (data) gets none",
            ha="center", fontsize=9, color="tab:red")
    ax.set_xlim(-1.4, 13.3)
    ax.set_ylim(-0.9, 3.1)
    ax.axis("off")
    plt.show()


w = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(-1.0, requires_grad=True)
x = torch.tensor(3.0)                       # data: no gradient needed
y = torch.tanh(w * x + b)


def show_graph(fn, depth=0):
    # Print the backward graph below a grad_fn, one node per line.
    print("    " * depth + type(fn).__name__)
    for child, _ in fn.next_functions:
        if child is not None:
            show_graph(child, depth + 1)


show_graph(y.grad_fn)                       # AccumulateGrad nodes are the leaves w and b
y.backward()
print("w.grad", w.grad.item(), "expected", (x * (1 - y**2)).item())
print("b.grad", b.grad.item(), "expected", (1 - y**2).item())
print("leaves:", w.is_leaf, b.is_leaf, "| y is a leaf:", y.is_leaf)
try:
    y.backward()
except RuntimeError as err:
    print("second backward:", str(err).split(".")[0])


w = torch.tensor(2.0, requires_grad=True)
for step in range(3):
    (w * w).backward()                    # d(w²)/dw = 4 each time...
    print("after backward", step + 1, "w.grad =", w.grad.item())   # ...but .grad adds up: 4, 8, 12
w.grad = None                             # clear it

(g,) = torch.autograd.grad(w**3, w)       # d(w³)/dw = 3w² = 12, returned, not stored
print("autograd.grad:", g.item(), "| w.grad is still", w.grad, "| g.requires_grad:", g.requires_grad)

(g,) = torch.autograd.grad(w**3, w, create_graph=True)   # keep a graph for a 2nd derivative
(g2,) = torch.autograd.grad(g, w)                          # d²(w³)/dw² = 6w = 12
print("second derivative:", g2.item())


def grad_of(f, x):
    """The gradient of scalar ``f(x)`` with respect to ``x``, leaving ``x.grad`` untouched."""
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(x)
    (g,) = torch.autograd.grad(y, x)
    return g


net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
for name, param in net.named_parameters():
    print(f"{name:10s} {tuple(param.shape)}  requires_grad={param.requires_grad}")

net[0].requires_grad_(False)                        # freeze the first layer
net(torch.randn(5, 4)).sum().backward()
print("frozen:", net[0].weight.grad, "| trainable:", tuple(net[2].weight.grad.shape))
trainable = [name for name, param in net.named_parameters() if param.requires_grad]
# an optimizer would get only these: torch.optim.SGD([p for p in net.parameters() if p.requires_grad], lr=0.1)
print("trainable:", trainable, "| names starting with '2.':", [n for n in trainable if n.startswith("2.")])


def freeze(module, prefixes):
    """Turn off requires_grad for the parameters whose name starts with any of ``prefixes``."""
    prefixes = tuple(prefixes)
    for name, param in module.named_parameters():
        if name.startswith(prefixes):
            param.requires_grad_(False)


torch.manual_seed(0)
net = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 2))
x = torch.randn(3, 4)

print("training mode, two calls equal:", torch.equal(net(x), net(x)))   # dropout differs
with torch.no_grad():
    out = net(x)
print("under no_grad: requires_grad", out.requires_grad, "| grad_fn", out.grad_fn)

net.eval()
print("eval mode, two calls equal:", torch.equal(net(x), net(x)))       # deterministic
print("eval alone still records a graph:", net(x).grad_fn is not None)

net.train()
net[1].eval()                                              # a mix of modes
print("modes:", [m.training for m in net.modules()])
before = [m.training for m in net.modules()]
net.eval()
net.train()                                                # not an undo!
print("after eval() then train():", [m.training for m in net.modules()], "- was", before)


def predict(model, x):
    """``model(x)`` in eval mode without autograd; restores every module's previous mode."""
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        with torch.no_grad():
            return model(x)
    finally:
        for module, mode in modes:
            module.training = mode


if __name__ == "__main__":     # torch.optim's first use takes a few seconds: a demo for Jupyter only
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    x, target = torch.randn(8, 3), torch.randn(8, 1)

    F.mse_loss(model(x), target).backward()
    try:
        for param in model.parameters():
            param -= 0.1 * param.grad                 # autograd is recording: refused
    except RuntimeError as err:
        print("RuntimeError:", err)
    model.zero_grad()

    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    before = model.weight.detach().clone()
    optimizer.zero_grad()
    F.mse_loss(model(x), target).backward()
    optimizer.step()                                   # p <- p - lr * p.grad, in place
    print("changed by SGD:", (model.weight.detach() - before).abs().max().item() > 0,
          "| still a leaf that requires grad:", model.weight.is_leaf, model.weight.requires_grad)


def manual_sgd_step(model, loss, lr):
    """One SGD step by hand: backward, in-place update under no_grad, clear the gradients."""
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            if param.grad is not None:
                param -= lr * param.grad
    model.zero_grad()


class Cube(torch.autograd.Function):
    """y = x³, with dy/dx = 3x² written by hand."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x**2          # chain rule: upstream gradient times local derivative


class WrongCube(Cube):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 3 * x**2                        # forgets the upstream gradient


xs = torch.randn(5, dtype=torch.float64, requires_grad=True)
print("Cube.apply:", Cube.apply(xs).detach()[:3], "vs", (xs**3).detach()[:3])
print("gradcheck Cube:", torch.autograd.gradcheck(Cube.apply, (xs,)))
print("gradcheck WrongCube:", torch.autograd.gradcheck(WrongCube.apply, (xs,), raise_exception=False))


xs = torch.tensor([1e1, 1e3, 1e5, 1e7, 1e9], dtype=torch.float64)
direct = torch.sqrt(xs * xs + 1) - xs                 # subtracts two nearly equal numbers
stable = 1 / (torch.sqrt(xs * xs + 1) + xs)           # the same value, only additions
for x, d, s in zip(xs.tolist(), direct.tolist(), stable.tolist()):
    print(f"x = {x:7.0e}   direct {d:.10e}   stable {s:.10e}   relative error {abs(d - s) / s:.1e}")


if __name__ == "__main__":      # relative error of the direct and the stable form over 10 decades
    import matplotlib.pyplot as plt

    grid = torch.logspace(0, 10, 400, dtype=torch.float64)
    exact = 1 / (torch.sqrt(grid * grid + 1) + grid)
    error = ((torch.sqrt(grid * grid + 1) - grid) - exact).abs() / exact
    plt.figure(figsize=(7, 3.5))
    plt.loglog(grid, error.clamp(min=1e-17), label="direct: sqrt(x² + 1) − x")
    plt.loglog(grid, torch.full_like(grid, 1e-16), "--", label="stable: 1 / (sqrt(x² + 1) + x), about 1e-16")
    plt.xlabel("x")
    plt.ylabel("relative error (float64)")
    plt.title("Catastrophic cancellation")
    plt.legend()
    plt.show()


class SquarePlus(torch.autograd.Function):
    """squareplus(x) = (x + sqrt(x*x + 4)) / 2, with a hand-written backward; accurate for large |x|."""

    @staticmethod
    def forward(ctx, x):
        root = torch.sqrt(x * x + 4)
        # x >= 0: only additions; x < 0: the conjugate form 2 / (root - x), again only additions
        out = torch.where(x >= 0, (x + root) / 2, 2 / (root - x))
        ctx.save_for_backward(out, root)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        out, root = ctx.saved_tensors
        # d/dx = (1 + x / root) / 2 = (x + root) / (2 * root) = out / root: no cancellation
        return grad_output * out / root


class SquarePlusLayer(nn.Module):
    """SquarePlus as a layer, for nn.Sequential."""

    def forward(self, x):
        return SquarePlus.apply(x)


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    with needs("best_device", "tensor_summary", "to_patches", "grad_of", "SquarePlus", "manual_sgd_step",
               "freeze", "predict"):
        device = best_device()
        torch.manual_seed(0)
        xs = torch.linspace(-3, 3, 200, device=device).unsqueeze(1)
        ys = xs**2 / 3 - 1
        model = nn.Sequential(nn.Linear(1, 32), SquarePlusLayer(), nn.Dropout(0.05), nn.Linear(32, 1)).to(device)
        print("input batch:", tensor_summary(xs))
        print("an 8x8 image in 4x4 patches:", tuple(to_patches(torch.rand(3, 8, 8), 4).shape))
        print("SquarePlus slope at 0:", grad_of(lambda v: SquarePlus.apply(v).sum(), torch.zeros(1, requires_grad=True)).item())
        before = predict(model, xs)

        for step in range(501):
            loss = F.mse_loss(model(xs), ys)
            manual_sgd_step(model, loss, lr=0.05)
            if step % 100 == 0:
                print(f"step {step:3d}  loss {loss.item():.4f}")

        freeze(model, ["0."])                  # e.g. to fine-tune only the last layer from here on
        print("frozen:", [n for n, p in model.named_parameters() if not p.requires_grad])
        fitted = predict(model, xs)
        print(f"final loss (eval mode): {F.mse_loss(fitted, ys).item():.4f} | model still training: {model.training}")

        plt.figure(figsize=(6, 3.5))
        plt.plot(xs.cpu(), ys.cpu(), "k--", label="target x²/3 − 1")
        plt.plot(xs.cpu(), before.cpu(), label="before training")
        plt.plot(xs.cpu(), fitted.cpu(), label="after 500 manual SGD steps")
        plt.legend()
        plt.title("A SquarePlus network fitted with manual_sgd_step")
        plt.show()
