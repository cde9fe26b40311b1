"""fit watches the training loss instead of the validation loss for early stopping and the best weights.

breaks: fit
"""
import copy
import math

import torch
from torch import nn


def fit(model, train_loader, val_loader, epochs, lr, patience):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history, best_loss, best_state, waited = [], math.inf, None, 0
    for epoch in range(1, epochs + 1):
        train_loss = train_one_epoch(model, train_loader, optimizer, loss_fn)
        val_loss, val_acc = evaluate(model, val_loader, loss_fn)
        history.append({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss, "val_acc": val_acc})
        if train_loss < best_loss:
            best_loss, waited = train_loss, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
            if waited >= patience:
                break
    model.load_state_dict(best_state)
    return history
