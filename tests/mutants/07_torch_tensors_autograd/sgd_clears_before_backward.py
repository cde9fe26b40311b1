"""manual_sgd_step clears the gradients before backward (as in a training loop) but not after the update,
so the parameters leave the step still holding gradients.

breaks: manual_sgd_step
"""
import torch


def manual_sgd_step(model, loss, lr):
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= lr * param.grad
