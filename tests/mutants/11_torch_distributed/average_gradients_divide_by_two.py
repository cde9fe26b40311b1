"""The sum is divided by a hard-coded 2 instead of the group's world size.

breaks: average_gradients
"""
import torch.distributed as dist


def average_gradients(model):
    for p in model.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            p.grad /= 2
