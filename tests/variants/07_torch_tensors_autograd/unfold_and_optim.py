"""Another correct 07: F.unfold for the patches, torch.autograd.grad on a clone, a state_dict-free
freeze via any(), predict restoring modes by recursion, the update with param.add_(), and
SquarePlus saving its input and recomputing the derivative (1 + x/sqrt(x^2+4)) / 2
(in conjugate form for x < 0).

covers: tensor_summary, best_device, to_patches, grad_of, freeze, predict, manual_sgd_step, SquarePlus
"""
import torch
import torch.nn.functional as F


def tensor_summary(t):
    return {"shape": t.size(), "dtype": repr(t.dtype).split(".")[-1], "device": t.device.type
            if t.device.index is None else f"{t.device.type}:{t.device.index}",
            "requires_grad": bool(t.requires_grad), "contiguous": bool(t.is_contiguous())}


def best_device():
    if torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def to_patches(img, p):
    cols = F.unfold(img.unsqueeze(0), kernel_size=p, stride=p)   # (1, C*p*p, L)
    return cols[0].transpose(0, 1).contiguous()


def grad_of(f, x):
    leaf = x.detach().clone().requires_grad_()
    with torch.enable_grad():
        out = f(leaf)
        return torch.autograd.grad(out, [leaf], retain_graph=False)[0]


def freeze(module, prefixes):
    prefixes = list(prefixes)
    for name, param in module.named_parameters():
        if any(name.startswith(prefix) for prefix in prefixes):
            param.requires_grad = False


def _modes(module):
    return [m.training for m in module.modules()]


def predict(model, x):
    saved = _modes(model)
    model.train(False)
    with torch.no_grad():
        out = model(x)
    for m, mode in zip(model.modules(), saved):
        m.training = mode
    return out


def manual_sgd_step(model, loss, lr):
    params = [p for p in model.parameters() if p.requires_grad]
    loss.backward()
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p.add_(p.grad, alpha=-lr)
    for p in params:
        p.grad = None


class SquarePlus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        root = torch.sqrt(x * x + 4)
        ctx.save_for_backward(x, root)
        return torch.where(x >= 0, 0.5 * (x + root), 2.0 / (root - x))

    @staticmethod
    def backward(ctx, grad_output):
        x, root = ctx.saved_tensors
        # 1 + x/root cancels for x << 0: there use its conjugate form 4 / ((root - x) * root) / 2
        return grad_output * torch.where(x >= 0, 0.5 * (1 + x / root), 2.0 / ((root - x) * root))
