"""grad_of keeps the graph (create_graph=True), so the gradient it returns still requires grad.

breaks: grad_of
"""
import torch


def grad_of(f, x):
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    return g
