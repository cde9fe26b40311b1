"""manual_sgd_step never clears the gradients, so they accumulate from step to step.

breaks: manual_sgd_step
"""
import torch


def manual_sgd_step(model, loss, lr):
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= lr * param.grad
