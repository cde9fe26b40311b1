"""The model is wrapped as soon as CUDA is available, even with a single GPU.

breaks: wrap_data_parallel
"""
import torch
from torch import nn


def wrap_data_parallel(model):
    return nn.DataParallel(model) if torch.cuda.is_available() else model
