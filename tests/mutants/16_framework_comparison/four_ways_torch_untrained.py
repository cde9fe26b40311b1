"""same_model_four_ways's torch model is evaluated without training (the loop forgets optimizer.step).

breaks: same_model_four_ways
"""
import numpy as np
import torch

_four_ways_reference = same_model_four_ways  # noqa: F821 (the reference, defined above this file)


def same_model_four_ways(X_train, y_train, X_test, y_test):
    out = _four_ways_reference(X_train, y_train, X_test, y_test)
    torch.manual_seed(0)
    k = int(max(np.max(y_train), np.max(y_test))) + 1
    linear = torch.nn.Linear(np.shape(X_train)[1], k)
    with torch.no_grad():
        pred = linear(torch.as_tensor(np.asarray(X_test, np.float32))).argmax(1).numpy()
    out["torch"] = float(np.mean(pred == np.asarray(y_test)))
    return out
