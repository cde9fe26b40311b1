"""SquarePlus is a plain class with an `apply` that lets autograd differentiate, not a torch.autograd.Function.

breaks: SquarePlus
"""
import torch


class SquarePlus:
    @staticmethod
    def apply(x):
        return (x + torch.sqrt(x * x + 4)) / 2
