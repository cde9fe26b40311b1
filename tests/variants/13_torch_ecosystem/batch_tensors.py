"""Another correct 13: DigitsDataset built with torch.from_numpy and a torch label tensor
turned into an int on access, a LitClassifier with an nn.Flatten-free Sequential and
on_epoch logging arguments, and tune through study.ask/tell.

covers: DigitsDataset, LitClassifier, tune
"""
import lightning as L
import numpy as np
import optuna
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import Dataset


class DigitsDataset(Dataset):
    def __init__(self, train=True, transform=None):
        bunch = load_digits()
        split = train_test_split(np.arange(len(bunch.target)), test_size=0.25, stratify=bunch.target,
                                 random_state=0)
        idx = split[0] if train else split[1]
        self.images = torch.from_numpy((bunch.data[idx] / 16.0).astype("float32")).view(-1, 1, 8, 8)
        self.targets = torch.from_numpy(bunch.target[idx].astype("int64"))
        self.transform = transform

    def __len__(self):
        return self.targets.shape[0]

    def __getitem__(self, i):
        x = self.images[i]
        return (self.transform(x) if self.transform is not None else x), self.targets[i].item()


class LitClassifier(L.LightningModule):
    def __init__(self, in_features, num_classes, lr):
        super().__init__()
        self.save_hyperparameters()
        self.model = nn.Sequential(nn.Linear(in_features, 128), nn.Tanh(), nn.Linear(128, num_classes))

    def forward(self, x):
        return self.model(x.flatten(1))

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = F.cross_entropy(self.forward(x), y)
        self.log("train_loss", loss, on_step=False, on_epoch=True)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        logits = self.forward(x)
        self.log("val_loss", F.cross_entropy(logits, y), on_step=False, on_epoch=True)
        self.log("val_acc", (logits.argmax(1) == y).float().mean(), on_step=False, on_epoch=True)

    def configure_optimizers(self):
        return torch.optim.Adam(filter(lambda p: p.requires_grad, self.parameters()), lr=self.hparams.lr)


def tune(objective, n_trials, seed):
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
    for _ in range(n_trials):
        trial = study.ask()
        study.tell(trial, objective(trial))
    return study.best_params
