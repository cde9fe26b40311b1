"""SquarePlus's backward returns the local derivative and ignores the upstream gradient.

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
        return (1 + x / torch.sqrt(x * x + 4)) / 2
