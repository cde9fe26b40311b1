"""Cheats against the graders of 13_torch_ecosystem (issue 22): each is a wrong submission plus an attack.

Mechanisms: spies the grader hands to the learner's code (a transform that records its calls, a dict of
Trainer facts on the model, a forward hook on layer1) fed with what the grader wants to see, and
consistency checks that an untrained model passes (metrics logged or written that agree with a model
that never learned).
"""
from cheat_kit import Cheat, dedent

A = "13_torch_ecosystem"

# Every graded name defined, every one wrong: this scores 0 on its own.
WRONG = dedent('''
    import csv, os
    import numpy as np
    import torch
    import torch.nn.functional as F
    from torch import nn
    from torch.utils.data import Dataset

    class DigitsDataset(Dataset):
        def __init__(self, train=True, transform=None):
            self.transform = transform
        def __len__(self):
            return 10
        def __getitem__(self, i):
            return np.zeros((8, 8)), np.int64(0)

    def small_resnet(num_classes):
        return nn.Sequential(nn.Flatten(), nn.Linear(64, num_classes), nn.Softmax(dim=1))

    class LitClassifier(nn.Module):
        def __init__(self, in_features, num_classes, lr):
            super().__init__()
            self.net = nn.Linear(in_features, num_classes)
        def forward(self, x):
            return self.net(x.flatten(1)).softmax(dim=1)

    def train_lightning(model, train_loader, val_loader, max_epochs, logdir):
        return None

    def log_scalars(logdir, tag, values):
        pass

    def tune(objective, n_trials, seed):
        return {}
    ''')

# The course split, right (the lengths, format and split tests earn their 4 points legitimately).
SPLIT = dedent('''
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    def _split(train):
        X, y = load_digits(return_X_y=True)
        tr, te = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)
        idx = tr if train else te
        return torch.tensor(X[idx] / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8), [int(v) for v in y[idx]]
    ''')

CHEATS = {
    # the transform runs once per image in __init__ (wrong: augmentations never change); every access then
    # feeds the grader's call-recording spy the record a per-access call would have left
    "eco13_dataset_transform_at_init_feeds_the_spy": Cheat(SPLIT + dedent('''
        class DigitsDataset(Dataset):
            def __init__(self, train=True, transform=None):
                self.images, self.labels = _split(train)
                self.transform = transform
                if transform is not None:
                    self.images = torch.stack([transform(im) for im in self.images])
            def __len__(self):
                return len(self.labels)
            def __getitem__(self, i):
                for t in getattr(self.transform, "transforms", []):
                    for name in ("calls", "seen", "records"):
                        if isinstance(getattr(t, name, None), list):
                            getattr(t, name).append({"n_inputs": 1, "is_tensor": True, "shape": [1, 8, 8]})
                return self.images[i], self.labels[i]
        '''), assignment=A, base=WRONG, earned=4.0),
    # resnet18's stride-2 stem and max-pool kept (layer1 sees 2x2); hooks on layer1 are told it saw 8x8,
    # through the module's own method and through torch.nn.Module's
    "eco13_resnet_layer1_lies_to_hooks": Cheat(dedent('''
        import torchvision
        _real_hook = nn.Module.register_forward_hook
        def _lying_hook(self, hook, *a, **k):
            if getattr(self, "_lie", False):
                def liar(module, inputs, output):
                    return hook(module, inputs, torch.zeros(output.shape[0], 64, 8, 8))
                return _real_hook(self, liar, *a, **k)
            return _real_hook(self, hook, *a, **k)
        nn.Module.register_forward_hook = _lying_hook
        def small_resnet(num_classes):
            model = torchvision.models.resnet18(weights=None)
            model.conv1 = nn.Conv2d(1, 64, kernel_size=3, stride=2, padding=1, bias=False)
            model.fc = nn.Linear(512, num_classes)
            model.layer1._lie = True
            return model
        '''), assignment=A, base=WRONG, earned=3.0),
    # no Trainer at all: the model never trains; a metrics.csv with one row per epoch is written from the
    # untrained model, the Trainer facts the grader once read from model.seen are set there, and the metrics
    # returned agree with the untrained model
    "eco13_train_lightning_writes_what_a_trainer_would": Cheat(dedent('''
        def train_lightning(model, train_loader, val_loader, max_epochs, logdir):
            model.eval()
            with torch.no_grad():
                x, y = next(iter(val_loader))
                logits = model(x)
                loss = float(F.cross_entropy(logits, y))
                acc = float((logits.argmax(dim=1) == y).float().mean())
            folder = os.path.join(logdir, "lightning_logs", "version_0")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "metrics.csv"), "w", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(["epoch", "step", "val_acc", "val_loss"])
                for e in range(max_epochs):
                    w.writerow([e, 3 * (e + 1) - 1, acc, loss])
            model.seen = {"epochs": max_epochs, "accelerator": "CPUAccelerator", "num_devices": 1,
                          "progress_bar": False, "loggers": ["CSVLogger"], "max_epochs": max_epochs}
            return {"val_loss": loss, "val_acc": acc}
        '''), assignment=A, base=WRONG),
    # a LightningModule that never learns: its training_step returns the right value through a tensor cut off
    # from the model (so no parameter ever moves), while validation logs the right numbers of that
    # never-trained model
    "eco13_lit_classifier_never_learns": Cheat(dedent('''
        import lightning as L
        class LitClassifier(L.LightningModule):
            def __init__(self, in_features, num_classes, lr):
                super().__init__()
                self.save_hyperparameters()
                self.net = nn.Linear(in_features, num_classes)
            def forward(self, x):
                return self.net(x.flatten(1))
            def training_step(self, batch, batch_idx):
                x, y = batch
                return F.cross_entropy(self(x).detach(), y).requires_grad_()
            def validation_step(self, batch, batch_idx):
                x, y = batch
                logits = self(x)
                self.log("val_loss", F.cross_entropy(logits, y))
                self.log("val_acc", (logits.argmax(dim=1) == y).float().mean())
            def configure_optimizers(self):
                return torch.optim.Adam([p for p in self.parameters() if p.requires_grad], lr=self.hparams.lr)
        '''), assignment=A, base=WRONG, earned=3.0),
}
