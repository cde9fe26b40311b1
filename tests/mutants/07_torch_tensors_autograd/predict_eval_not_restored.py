"""predict calls model.eval() and never restores the previous mode.

breaks: predict
"""
import torch


def predict(model, x):
    model.eval()
    with torch.no_grad():
        return model(x)
