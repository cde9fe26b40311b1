"""predict restores the mode with model.train(was_training), resetting submodules that were in eval mode.

breaks: predict
"""
import torch


def predict(model, x):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = model(x)
    model.train(was_training)
    return out
