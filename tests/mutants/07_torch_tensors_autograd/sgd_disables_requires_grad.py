"""manual_sgd_step switches requires_grad off to be allowed to update in place, and never back on.

breaks: manual_sgd_step
"""


def manual_sgd_step(model, loss, lr):
    loss.backward()
    for param in model.parameters():
        param.requires_grad_(False)
        param -= lr * param.grad
        param.grad = None
