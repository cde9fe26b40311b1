"""SquarePlus's forward uses (x + sqrt(x*x + 4)) / 2 as written, which cancels for x << 0 (1e-8 at x = -1e8 comes
out 25 % off); the backward is accurate.

breaks: SquarePlus
"""
import torch


class SquarePlus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x + torch.sqrt(x * x + 4)) / 2

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        root = torch.sqrt(x * x + 4)
        return grad_output * torch.where(x >= 0, (1 + x / root) / 2, 2 / (root * (root - x)))
