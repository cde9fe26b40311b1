"""compile_model compiles with a backend of its own choice instead of the one it is given.

breaks: compile_model
"""
import torch


def compile_model(model, backend="inductor"):
    return torch.compile(model, backend="eager", dynamic=True)
