"""compile_model asks for static shapes (dynamic=False): every new batch size recompiles.

breaks: compile_model
"""
import torch


def compile_model(model, backend="inductor"):
    return torch.compile(model, backend=backend, dynamic=False)
