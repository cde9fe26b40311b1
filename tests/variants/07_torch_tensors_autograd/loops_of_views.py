"""Another correct 07: torch.Tensor.unfold twice for the patches, backward() on a detached copy
for grad_of, torch.optim.SGD's own step for manual_sgd_step, and a SquarePlus whose backward
uses the saved output: d/dx = y^2 / (y^2 + 1).

covers: to_patches, grad_of, predict, manual_sgd_step, SquarePlus
"""
import torch


def to_patches(img, p):
    c = img.shape[0]
    x = img.unfold(1, p, p).unfold(2, p, p)        # (C, rows, cols, p, p)
    x = x.permute(1, 2, 0, 3, 4)                    # (rows, cols, C, p, p)
    return x.flatten(2).flatten(0, 1)


def grad_of(f, x):
    y = x.detach().clone()
    y.requires_grad_(True)
    with torch.enable_grad():
        f(y).backward()
    return y.grad.detach()


def predict(model, x):
    previous = {name: m.training for name, m in model.named_modules(remove_duplicate=False)}
    model.eval()
    with torch.no_grad():
        out = model(x)
    for name, m in model.named_modules(remove_duplicate=False):
        m.training = previous[name]
    return out


def manual_sgd_step(model, loss, lr):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)


class SquarePlus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        r = (x * x + 4).sqrt()
        y = torch.where(x < 0, 2 / (r - x), (x + r) / 2)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        y2 = y * y
        return g * y2 / (y2 + 1)
