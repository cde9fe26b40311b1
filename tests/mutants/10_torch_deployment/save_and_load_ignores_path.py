"""save_and_load writes to a fixed file name instead of the path it was given.

breaks: save_and_load
"""
import torch


def save_and_load(module, path):
    torch.jit.save(module, "model.pt")
    return torch.jit.load("model.pt")
