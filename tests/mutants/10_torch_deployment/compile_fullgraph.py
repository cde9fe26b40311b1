"""compile_model asks for one whole graph (fullgraph=True): a model with a data-dependent branch is refused.

breaks: compile_model
"""
import torch


def compile_model(model, backend="inductor"):
    return torch.compile(model, backend=backend, dynamic=True, fullgraph=True)
