"""grad_of calls backward and returns x.grad, which stays set and accumulates across calls.

breaks: grad_of
"""


def grad_of(f, x):
    f(x).backward()
    return x.grad
