"""The model is wrapped in nn.DataParallel even without GPUs.

breaks: wrap_data_parallel
"""
from torch import nn


def wrap_data_parallel(model):
    return nn.DataParallel(model)
