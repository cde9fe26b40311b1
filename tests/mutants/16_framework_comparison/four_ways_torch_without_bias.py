"""same_model_four_ways's "torch" model is nn.Linear(d, K, bias=False): it trains, but without biases each
class's region is a cone from the data's mean, and a dominant class in the middle of the others cannot fit.

breaks: same_model_four_ways
"""
import numpy as np
import torch
from torch import nn

_four_ways = same_model_four_ways  # noqa: F821 (the reference, defined above this file)


def same_model_four_ways(X_train, y_train, X_test, y_test):
    out = _four_ways(X_train, y_train, X_test, y_test)
    X_train, X_test = np.asarray(X_train, np.float32), np.asarray(X_test, np.float32)
    y_train, y_test = np.asarray(y_train, np.int64), np.asarray(y_test, np.int64)
    torch.manual_seed(0)
    linear = nn.Linear(X_train.shape[1], int(max(y_train.max(), y_test.max())) + 1, bias=False)
    optimizer = torch.optim.Adam(linear.parameters(), lr=0.05)
    xt, yt = torch.from_numpy(X_train), torch.from_numpy(y_train)
    for _ in range(300):
        optimizer.zero_grad()
        nn.functional.cross_entropy(linear(xt), yt).backward()
        optimizer.step()
    with torch.no_grad():
        out["torch"] = float((linear(torch.from_numpy(X_test)).argmax(1).numpy() == y_test).mean())
    return out
