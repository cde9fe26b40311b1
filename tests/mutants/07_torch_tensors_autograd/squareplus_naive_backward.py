"""SquarePlus's forward avoids the cancellation but its backward uses (1 + x / sqrt(x*x + 4)) / 2 as written,
which cancels for x << 0 in the same way.

breaks: SquarePlus
"""
import torch


class SquarePlus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        root = torch.sqrt(x * x + 4)
        ctx.save_for_backward(x, root)
        return torch.where(x >= 0, (x + root) / 2, 2 / (root - x))

    @staticmethod
    def backward(ctx, grad_output):
        x, root = ctx.saved_tensors
        return grad_output * (1 + x / root) / 2
