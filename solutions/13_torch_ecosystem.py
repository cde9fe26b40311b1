"""Reference solution of 13_torch_ecosystem.

Generated from source/13_torch_ecosystem/13_torch_ecosystem.ipynb by `dlcourse build`; do not edit.
"""


import sys

# torch.utils.tensorboard imports TensorFlow when it is installed (it is, in this course), and
# triton (torch's GPU compiler, loaded lazily by torch.optim) crashes a process that has loaded
# TensorFlow first. We compute on the CPU and never need triton, so make it unimportable.
sys.modules.setdefault("triton", None)

import logging
import os
import tempfile
import time
import warnings

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, Dataset, Subset, TensorDataset
from torchvision.transforms import v2

import lightning as L
import optuna
from lightning.pytorch.loggers import CSVLogger
from torch.utils.tensorboard import SummaryWriter

# Keep Lightning and Optuna quiet: no banner lines, no advice about DataLoader workers.
logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
logging.getLogger("lightning.fabric").setLevel(logging.ERROR)
optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore", ".*does not have many workers.*")
warnings.filterwarnings("ignore", ".*smaller than the logging interval.*")
warnings.filterwarnings("ignore", ".*LeafSpec.*")

torch.manual_seed(0)
print("torch", torch.__version__, "| torchvision", torchvision.__version__, "| lightning", L.__version__,
      "| optuna", optuna.__version__)


image = torch.arange(16.0).reshape(1, 4, 4) / 15       # a 1-channel 4x4 "image" in [0, 1]
pipeline = v2.Compose([
    v2.RandomHorizontalFlip(p=1.0),                      # p=1: always flip, to see it
    v2.Pad(1),                                           # 4x4 -> 6x6, zeros around
    v2.Normalize(mean=[0.5], std=[0.25]),                # per channel (x - 0.5) / 0.25
])
out = pipeline(image)
print(tuple(out.shape), [round(v, 3) for v in out[0, 1].tolist()])   # first real row, flipped, normalised

jitter = v2.RandomAffine(degrees=0, translate=(0.25, 0.25))
torch.manual_seed(0)
print("two calls, two different shifts:", not torch.equal(jitter(image), jitter(image)))


fake = torchvision.datasets.FakeData(
    size=100, image_size=(3, 32, 32), num_classes=10,
    transform=v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]),
)
image, label = fake[7]
print(len(fake), type(image).__name__, tuple(image.shape), image.dtype, "label", label)
print("item 7 again is the same image:", torch.equal(fake[7][0], image))
images, labels = next(iter(DataLoader(fake, batch_size=16, shuffle=True)))
print("a batch:", tuple(images.shape), labels.tolist())


class DigitsDataset(Dataset):
    """scikit-learn's digits, course split: (image (1, 8, 8) float32 in [0, 1], int label)."""

    def __init__(self, train=True, transform=None):
        X, y = load_digits(return_X_y=True)
        train_idx, test_idx = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)
        idx = train_idx if train else test_idx
        self.images = torch.tensor(X[idx] / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
        self.labels = [int(v) for v in y[idx]]
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        image = self.images[i]
        if self.transform is not None:
            image = self.transform(image)
        return image, self.labels[i]


def train_val_split(dataset, val_size=0.2, seed=0):
    """A stratified, seeded validation set carved out of ``dataset``: (the rest, the validation part) as Subsets."""
    labels = [dataset[i][1] for i in range(len(dataset))]
    rest, val = train_test_split(np.arange(len(dataset)), test_size=val_size, stratify=labels, random_state=seed)
    return Subset(dataset, rest.tolist()), Subset(dataset, val.tolist())


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    with needs("DigitsDataset"):
        augment = v2.Compose([v2.RandomAffine(degrees=10, translate=(0.1, 0.1))])
        plain, shaken = DigitsDataset(train=True), DigitsDataset(train=True, transform=augment)
        fit_part, val_part = train_val_split(plain)
        loader = DataLoader(fit_part, batch_size=64, shuffle=True, num_workers=0)
        xb, yb = next(iter(loader))
        print("train", len(plain), "= fit", len(fit_part), "+ validation", len(val_part), "| test",
              len(DigitsDataset(train=False)), "| a batch:", tuple(xb.shape), xb.dtype, yb[:10].tolist())

        fig, axes = plt.subplots(3, 8, figsize=(10, 4.2))
        for col in range(8):
            axes[0, col].imshow(plain[col][0][0], cmap="gray_r")
            axes[0, col].set_title(f"label {plain[col][1]}", fontsize=9)
            axes[1, col].imshow(shaken[col][0][0], cmap="gray_r")   # a new random shift on every access...
            axes[2, col].imshow(shaken[col][0][0], cmap="gray_r")   # ...so the same item differs again
            for ax in axes[:, col]:
                ax.set_xticks([]), ax.set_yticks([])
        for row, name in enumerate(["as stored", "augmented", "augmented again"]):
            axes[row, 0].set_ylabel(name, fontsize=9)
        plt.tight_layout()
        plt.show()


def stage_shapes(model, x):
    """The output shape of each stage of a torchvision ResNet, recorded with forward hooks."""
    shapes, handles = {}, []
    for name in ["conv1", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc"]:
        hook = lambda module, inputs, output, name=name: shapes.__setitem__(name, tuple(output.shape))
        handles.append(getattr(model, name).register_forward_hook(hook))
    with torch.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return shapes


imagenet_style = torchvision.models.resnet18(weights=None)
imagenet_style.eval()
print("resnet18 on a 3x8x8 input:", stage_shapes(imagenet_style, torch.zeros(2, 3, 8, 8)))


def small_resnet(num_classes):
    """torchvision's resnet18 for 1x8x8 inputs: a stride-1 3x3 first convolution, no max-pool, a new head."""
    model = torchvision.models.resnet18(weights=None)
    model.conv1 = nn.Conv2d(1, 64, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = nn.Identity()
    model.fc = nn.Linear(512, num_classes)
    return model


def accuracy(model, dataset):
    """Fraction of a dataset that the model classifies correctly (eval mode, no autograd)."""
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in DataLoader(dataset, batch_size=256):
            correct += (model(xb).argmax(dim=1) == yb).sum().item()
    return correct / len(dataset)


if __name__ == "__main__":
    with needs("small_resnet", "DigitsDataset"):
        print("small_resnet stages:", stage_shapes(small_resnet(10).eval(), torch.zeros(2, 1, 8, 8)))
        torch.manual_seed(0)
        model = small_resnet(10)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        model.train()
        batches = iter(DataLoader(DigitsDataset(train=True), batch_size=64, shuffle=True))
        for step in range(10):
            xb, yb = next(batches)
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"after 10 steps: training loss {loss.item():.3f}, test accuracy {accuracy(model, DigitsDataset(train=False)):.3f}")


class LitRegressor(L.LightningModule):
    """Linear regression as a LightningModule: the steps and the optimizer; the Trainer runs the loops."""

    def __init__(self, lr):
        super().__init__()
        self.save_hyperparameters()                  # self.hparams.lr, also stored in checkpoints and logs
        self.line = nn.Linear(1, 1)

    def forward(self, x):
        return self.line(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        return F.mse_loss(self(x), y)               # Lightning does zero_grad, backward and step with it

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val_mse", F.mse_loss(self(x), y))  # averaged over the epoch's batches, logged once per epoch

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)


if __name__ == "__main__":
    g = torch.Generator().manual_seed(0)
    x = torch.rand(256, 1, generator=g) * 2 - 1
    y = 3 * x - 1 + 0.1 * torch.randn(256, 1, generator=g)
    fit_loader = DataLoader(TensorDataset(x[:192], y[:192]), batch_size=32, shuffle=True)
    val_loader = DataLoader(TensorDataset(x[192:], y[192:]), batch_size=64)
    torch.manual_seed(0)
    regressor = LitRegressor(lr=0.5)
    trainer = L.Trainer(max_epochs=5, accelerator="cpu", devices=1, logger=False, enable_progress_bar=False,
                        enable_model_summary=False, enable_checkpointing=False)
    trainer.fit(regressor, fit_loader, val_loader)     # the loops: train, validate after each epoch
    print("learned y = %.2f x %+.2f" % (regressor.line.weight.item(), regressor.line.bias.item()),
          "| callback_metrics:", {k: round(float(v), 4) for k, v in trainer.callback_metrics.items()})


class LitClassifier(L.LightningModule):
    """A small classifier as a LightningModule: flatten, MLP, cross-entropy, Adam."""

    def __init__(self, in_features, num_classes, lr):
        super().__init__()
        # TODO 1: save the hyperparameters, then build a network from in_features inputs to num_classes outputs.
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(in_features, 64), nn.ReLU(), nn.Linear(64, num_classes))

    def forward(self, x):
        # TODO 2: flatten each input (x.flatten(1)) and return the network's logits.
        return self.net(x.flatten(1))

    def training_step(self, batch, batch_idx):
        # TODO 3: unpack the batch (x, y) and return the cross-entropy of the logits (logging it is optional).
        x, y = batch
        loss = F.cross_entropy(self(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        # TODO 4: log "val_loss" and "val_acc" (a fraction in [0, 1]) with self.log.
        x, y = batch
        logits = self(x)
        self.log("val_loss", F.cross_entropy(logits, y))
        self.log("val_acc", (logits.argmax(dim=1) == y).float().mean())

    def configure_optimizers(self):
        # TODO 5: return one Adam, lr from the hyperparameters, over the parameters that require grad right now.
        return torch.optim.Adam([p for p in self.parameters() if p.requires_grad], lr=self.hparams.lr)


def train_lightning(model, train_loader, val_loader, max_epochs, logdir):
    """Fit ``model`` on the CPU with a CSV logger under ``logdir``; return the final metrics as floats."""
    trainer = L.Trainer(accelerator="cpu", devices=1, max_epochs=max_epochs, logger=CSVLogger(save_dir=logdir),
                        enable_progress_bar=False, enable_model_summary=False, enable_checkpointing=False)
    trainer.fit(model, train_loader, val_loader)
    return {name: float(value) for name, value in trainer.callback_metrics.items()}


def read_metrics_csv(logdir):
    """The rows of the newest metrics.csv under logdir, as dicts of floats (empty cells left out)."""
    import csv
    import glob

    path = sorted(glob.glob(os.path.join(logdir, "**", "metrics.csv"), recursive=True), key=os.path.getmtime)[-1]
    with open(path) as fh:
        return [{k: float(v) for k, v in row.items() if v != ""} for row in csv.DictReader(fh)]


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    with needs("DigitsDataset", "LitClassifier", "train_lightning"):
        torch.manual_seed(0)
        fit_part, val_part = train_val_split(DigitsDataset(train=True))
        train_loader = DataLoader(fit_part, batch_size=64, shuffle=True, num_workers=0)
        val_loader = DataLoader(val_part, batch_size=len(val_part), num_workers=0)
        lit = LitClassifier(64, 10, lr=1e-3)
        logdir = tempfile.mkdtemp(prefix="lightning-")
        final = train_lightning(lit, train_loader, val_loader, max_epochs=10, logdir=logdir)
        print({k: round(v, 4) for k, v in final.items()}, "| hparams:", dict(lit.hparams))
        print(f"test accuracy, measured once at the end: {accuracy(lit, DigitsDataset(train=False)):.3f}")

        rows = read_metrics_csv(logdir)
        val = [r for r in rows if "val_loss" in r]
        train = [r for r in rows if "train_loss" in r]
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5))
        if train:   # your training_step may log train_loss, or not
            ax1.plot([r["step"] for r in train], [r["train_loss"] for r in train], label="train_loss (every 50 steps)")
        ax1.plot([r["step"] for r in val], [r["val_loss"] for r in val], "o-", label="val_loss (per epoch)")
        ax1.set_xlabel("step")
        ax1.legend()
        ax2.plot([r["epoch"] for r in val], [r["val_acc"] for r in val], "o-")
        ax2.set_xlabel("epoch")
        ax2.set_ylabel("val_acc")
        plt.tight_layout()
        plt.show()

        frozen = LitClassifier(64, 10, lr=1e-3)
        first = next(frozen.parameters())               # the first parameter tensor, whatever the network
        first.requires_grad_(False)                     # keep it as initialised
        before = first.detach().clone()
        train_lightning(frozen, train_loader, val_loader, max_epochs=2, logdir=tempfile.mkdtemp())
        print("frozen parameter unchanged:", torch.equal(before, first),
              "| the others moved:", any(p.requires_grad for p in frozen.parameters()))


if __name__ == "__main__":
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run_dir = tempfile.mkdtemp(prefix="tb-demo-")
    torch.manual_seed(0)
    weights = torch.zeros(1000)
    with SummaryWriter(log_dir=run_dir) as writer:                  # closed (and flushed) when the block ends
        for step in range(3):
            weights += 0.1 * torch.randn(1000)                       # weights drifting apart, step by step
            writer.add_histogram("weights", weights, step)           # the Histograms and Distributions tabs
            writer.add_text("note", f"step {step}: std {weights.std():.3f}", step)   # the Text tab
    events = EventAccumulator(run_dir, size_guidance={"histograms": 0})   # 0: keep every step (default: 1)
    events.Reload()
    print("file:", ".".join(sorted(os.listdir(run_dir))[0].split(".")[:3]), "...",
          "| histograms:", events.Tags()["histograms"], "| steps:", [e.step for e in events.Histograms("weights")])


def log_scalars(logdir, tag, values):
    """Write values[i] at step i under ``tag`` to a TensorBoard event file in ``logdir``."""
    writer = SummaryWriter(log_dir=logdir)
    for step, value in enumerate(values):
        writer.add_scalar(tag, value, step)
    writer.close()


def tensorboard_smooth(values, weight=0.6):
    """TensorBoard's scalar smoothing: an exponential moving average, debiased for the first points."""
    out, last = [], 0.0
    for k, v in enumerate(values, start=1):
        last = weight * last + (1 - weight) * v
        out.append(last / (1 - weight ** k))
    return out


if __name__ == "__main__":
    import matplotlib.pyplot as plt
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    with needs("log_scalars"):
        root = tempfile.mkdtemp(prefix="tb-")
        X_all, y_all = load_digits(return_X_y=True)
        train_idx, _ = train_test_split(np.arange(len(y_all)), test_size=0.25, stratify=y_all, random_state=0)
        for lr in (0.3, 0.03):                             # two runs: each its own log_dir under root
            torch.manual_seed(0)
            net = nn.Linear(64, 10)
            opt = torch.optim.SGD(net.parameters(), lr=lr)
            losses = []
            for step in range(120):                        # mini-batches of 16 random training digits
                idx = train_idx[torch.randint(0, len(train_idx), (16,)).numpy()]
                xb = torch.tensor(X_all[idx] / 16.0, dtype=torch.float32)
                loss = F.cross_entropy(net(xb), torch.tensor(y_all[idx]))
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(loss.item())
            log_scalars(os.path.join(root, f"lr={lr}"), "loss/train", losses)

        fig, ax = plt.subplots(figsize=(7, 3.6))
        for run, colour in (("lr=0.3", "tab:orange"), ("lr=0.03", "tab:blue")):
            acc = EventAccumulator(os.path.join(root, run))
            acc.Reload()
            events = acc.Scalars("loss/train")
            steps, values = [e.step for e in events], [e.value for e in events]
            print(run, acc.Tags()["scalars"], len(events), "events, first", (events[0].step, round(events[0].value, 4)))
            ax.plot(steps, values, color=colour, alpha=0.25, lw=1)
            ax.plot(steps, tensorboard_smooth(values), color=colour, lw=2, label=run)
        ax.set_xlabel("step")
        ax.set_title("loss/train", loc="left", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(title="runs")
        plt.tight_layout()
        plt.show()


def toy_objective(trial):
    x = trial.suggest_float("x", -10.0, 10.0)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    return (x - 2.0) ** 2 + (0.0 if kind == "a" else 1.0)


study = optuna.create_study(direction="minimize", sampler=optuna.samplers.RandomSampler(seed=0))
study.optimize(toy_objective, n_trials=20)
print("random search:", {k: round(v, 3) if isinstance(v, float) else v for k, v in study.best_params.items()},
      "value", round(study.best_value, 4))


if __name__ == "__main__":   # random search against TPE on the same objective: the best value so far, trial by trial
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.4))
    for name, sampler in (("RandomSampler", optuna.samplers.RandomSampler(seed=0)),
                          ("TPESampler", optuna.samplers.TPESampler(seed=0))):
        search = optuna.create_study(direction="minimize", sampler=sampler)
        search.optimize(toy_objective, n_trials=40)
        values = np.maximum([t.value for t in search.trials], 1e-4)    # the log scale needs values > 0
        ax.plot(range(1, 41), np.minimum.accumulate(values), drawstyle="steps-post", label=name)
        ax.scatter(range(1, 41), values, s=8, alpha=0.4)
    ax.axvline(10.5, color="gray", ls=":")
    ax.set_yscale("log")
    ax.text(11, 3e-4, "← TPE's 10 random start-up trials", fontsize=8, va="bottom")
    ax.set_xlabel("trial")
    ax.set_ylabel("objective (dots), best so far (line)")
    ax.legend()
    plt.tight_layout()
    plt.show()


def tune(objective, n_trials, seed):
    """Minimise ``objective`` over ``n_trials`` TPE trials seeded with ``seed``; return the best parameters."""
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=n_trials)
    return study.best_params


if __name__ == "__main__":
    with needs("DigitsDataset", "LitClassifier", "train_lightning", "tune"):
        fit_part, val_part = train_val_split(DigitsDataset(train=True))

        def lit_objective(trial):
            lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
            batch_size = trial.suggest_categorical("batch_size", [32, 64, 128])
            torch.manual_seed(0)
            train_loader = DataLoader(fit_part, batch_size=batch_size, shuffle=True)
            val_loader = DataLoader(val_part, batch_size=len(val_part))
            metrics = train_lightning(LitClassifier(64, 10, lr), train_loader, val_loader, max_epochs=2,
                                      logdir=tempfile.mkdtemp())
            return metrics["val_loss"]                  # the validation split decides, never the test split

        start = time.perf_counter()
        best = tune(lit_objective, n_trials=6, seed=0)
        print(f"best {best} in {time.perf_counter() - start:.0f} s")

        torch.manual_seed(0)                            # the chosen setting, trained again, measured once on test
        chosen = LitClassifier(64, 10, best["lr"])
        train_lightning(chosen, DataLoader(fit_part, batch_size=best["batch_size"], shuffle=True),
                        DataLoader(val_part, batch_size=len(val_part)), max_epochs=2, logdir=tempfile.mkdtemp())
        print(f"test accuracy of the chosen setting: {accuracy(chosen, DigitsDataset(train=False)):.3f}")
