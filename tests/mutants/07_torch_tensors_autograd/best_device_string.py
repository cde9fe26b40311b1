"""best_device returns a string ("cuda" / "cpu") instead of a torch.device.

breaks: best_device
"""
import torch


def best_device():
    return "cuda" if torch.cuda.is_available() else "cpu"
