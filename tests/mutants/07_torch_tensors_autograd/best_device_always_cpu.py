"""best_device always returns the CPU, even when CUDA is available.

breaks: best_device
"""
import torch


def best_device():
    return torch.device("cpu")
