"""manual_sgd_step assigns new Parameter objects instead of updating the existing ones in place.

breaks: manual_sgd_step
"""
from torch import nn


def manual_sgd_step(model, loss, lr):
    loss.backward()
    for module in model.modules():
        for name, param in list(module.named_parameters(recurse=False)):
            setattr(module, name, nn.Parameter(param.detach() - lr * param.grad))
