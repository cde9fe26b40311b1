"""fit stops early but keeps the last weights instead of restoring the best ones.

breaks: fit
"""
import math

import torch
from torch import nn


def fit(model, train_loader, val_loader, epochs, lr, patience):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history, best_loss, waited = [], math.inf, 0
    for epoch in range(1, epochs + 1):
        train_loss = train_one_epoch(model, train_loader, optimizer, loss_fn)
        val_loss, val_acc = evaluate(model, val_loader, loss_fn)
        history.append({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss, "val_acc": val_acc})
        if val_loss < best_loss:
            best_loss, waited = val_loss, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return history
