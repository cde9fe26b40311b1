"""SquarePlus's backward returns the local derivative and ignores the upstream gradient.

breaks: SquarePlus
"""
import torch


class SquarePlus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        root = torch.sqrt(x * x + 4)
        ctx.save_for_backward(x)
        return torch.where(x >= 0, (x + root) / 2, 2 / (root - x))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return (1 + x / torch.sqrt(x * x + 4)) / 2
