"""predict switches to eval mode but forgets torch.no_grad(), so the output carries a graph.

breaks: predict
"""


def predict(model, x):
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        return model(x)
    finally:
        for module, mode in modes:
            module.training = mode
