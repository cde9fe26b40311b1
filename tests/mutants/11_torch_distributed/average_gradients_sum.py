"""Gradients are all-reduced (summed) but not divided by the world size.

breaks: average_gradients
"""
import torch.distributed as dist


def average_gradients(model):
    for p in model.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
