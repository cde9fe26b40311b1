"""SquarePlus is a plain class with an `apply` that lets autograd differentiate, not a torch.autograd.Function.

breaks: SquarePlus
"""
import torch


class SquarePlus:
    @staticmethod
    def apply(x):
        root = torch.sqrt(x * x + 4)
        return torch.where(x >= 0, (x + root) / 2, 2 / (root - x))
