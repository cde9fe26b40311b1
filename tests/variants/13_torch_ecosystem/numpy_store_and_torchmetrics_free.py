"""Another correct 13: DigitsDataset keeping NumPy arrays and converting per item, small_resnet
changing layers through setattr, a LitClassifier whose validation accuracy is computed with
torch.eq and logged through log_dict, train_lightning without the optional switches, tune with
an explicit study.optimize loop over n_trials single-trial calls, log_scalars with a context
manager-free writer and flush.

covers: DigitsDataset, small_resnet, LitClassifier, train_lightning, tune, log_scalars
"""
import lightning as L
import numpy as np
import optuna
import torch
import torch.nn.functional as F
import torchvision
from lightning.pytorch.loggers import CSVLogger
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import Dataset
from torch.utils.tensorboard import SummaryWriter


class DigitsDataset(Dataset):
    def __init__(self, train=True, transform=None):
        digits_X, digits_y = load_digits(return_X_y=True)
        first, second = train_test_split(np.arange(len(digits_y)), test_size=0.25, stratify=digits_y,
                                         random_state=0)
        chosen = first if train else second
        self.x = (digits_X[chosen] / 16.0).astype(np.float32)
        self.y = digits_y[chosen]
        self.transform = transform

    def __len__(self):
        return int(self.x.shape[0])

    def __getitem__(self, index):
        img = torch.from_numpy(self.x[index].reshape(1, 8, 8).copy())
        if self.transform:
            img = self.transform(img)
        return img, int(self.y[index])


def small_resnet(num_classes):
    net = torchvision.models.resnet18(weights=None, num_classes=1000)
    setattr(net, "conv1", nn.Conv2d(1, 64, 3, 1, 1, bias=False))
    setattr(net, "maxpool", nn.Identity())
    setattr(net, "fc", nn.Linear(net.fc.in_features, num_classes))
    return net


class LitClassifier(L.LightningModule):
    def __init__(self, in_features, num_classes, lr):
        super().__init__()
        self.save_hyperparameters()
        self.hidden = nn.Linear(in_features, 32)
        self.out = nn.Linear(32, num_classes)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(torch.flatten(x, start_dim=1))))

    def training_step(self, batch, batch_idx):
        inputs, targets = batch
        return F.cross_entropy(self(inputs), targets)

    def validation_step(self, batch, batch_idx):
        inputs, targets = batch
        logits = self(inputs)
        acc = torch.eq(torch.argmax(logits, -1), targets).to(torch.float32).mean()
        self.log_dict({"val_loss": F.cross_entropy(logits, targets), "val_acc": acc})

    def configure_optimizers(self):
        trainable = [p for p in self.parameters() if p.requires_grad]
        return torch.optim.Adam(trainable, lr=self.hparams["lr"])


def train_lightning(model, train_loader, val_loader, max_epochs, logdir):
    logger = CSVLogger(save_dir=logdir)
    trainer = L.Trainer(accelerator="cpu", devices=1, max_epochs=max_epochs, logger=logger,
                        enable_progress_bar=False)
    trainer.fit(model, train_dataloaders=train_loader, val_dataloaders=val_loader)
    return {key: float(val) for key, val in trainer.callback_metrics.items()}


def tune(objective, n_trials, seed):
    sampler = optuna.samplers.TPESampler(seed=seed)
    study = optuna.create_study(sampler=sampler, direction="minimize")
    for _ in range(n_trials):
        study.optimize(objective, n_trials=1)
    return dict(study.best_params)


def log_scalars(logdir, tag, values):
    writer = SummaryWriter(log_dir=logdir)
    try:
        for i in range(len(values)):
            writer.add_scalar(tag, float(values[i]), global_step=i)
        writer.flush()
    finally:
        writer.close()
