"""manual_sgd_step updates the parameters in place while autograd is recording (no torch.no_grad()).

breaks: manual_sgd_step
"""


def manual_sgd_step(model, loss, lr):
    loss.backward()
    for param in model.parameters():
        param -= lr * param.grad
    model.zero_grad()
