"""compile_model leaves dynamic shapes off (torch.compile's default): the first batch size gets a static graph
and the next one recompiles.

breaks: compile_model
"""
import torch


def compile_model(model, backend="inductor"):
    return torch.compile(model, backend=backend)
