"""SquarePlus's backward has the wrong sign: (1 - x / sqrt(x*x + 4)) / 2.

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
        return grad_output * (1 - x / torch.sqrt(x * x + 4)) / 2
