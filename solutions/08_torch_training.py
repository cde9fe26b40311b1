"""Reference solution of 08_torch_training.

Generated from source/08_torch_training/08_torch_training.ipynb by `dlcourse build`; do not edit.
"""


import copy
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
print("torch", torch.__version__)
if __name__ == "__main__":
    torch.set_num_threads(1)   # the examples are tiny: one thread is enough, and never waits for a busy second core


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()                     # always first: sets up the registries
        self.hidden = nn.Linear(4, 8)          # registered: its weight and bias are parameters
        self.out = nn.Linear(8, 3)
        self.scale = nn.Parameter(torch.ones(1))   # a parameter of our own
        self.not_registered = [nn.Linear(8, 8)]    # a plain list: NOT registered (a classic bug)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x))) * self.scale


net = TinyNet()
print(net)
for name, p in net.named_parameters():
    print(f"{name:14s} {tuple(p.shape)}")
print("parameters:", sum(p.numel() for p in net.parameters()))
print("output shape:", net(torch.randn(5, 4)).shape)

seq = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))
x = torch.ones(2, 4)
seq.train()
print("train mode, two calls equal?", torch.equal(seq(x), seq(x)))   # dropout: random
seq.eval()
print("eval mode,  two calls equal?", torch.equal(seq(x), seq(x)))   # deterministic
print("modes of the submodules:", [m.training for m in seq.modules()])


class MLP(nn.Module):
    """Linear -> ReLU -> Dropout -> Linear, returning logits."""

    def __init__(self, in_features, hidden, out_features, dropout=0.0):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, out_features),
        )

    def forward(self, x):
        return self.net(x)


logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
target = torch.tensor([0, 2])
ce = nn.CrossEntropyLoss()(logits, target)
by_hand = -(F.log_softmax(logits, dim=1)[torch.arange(2), target]).mean()
print("cross-entropy", ce.item(), "by hand", by_hand.item())
print("per sample   ", nn.CrossEntropyLoss(reduction="none")(logits, target))
print("NLL of log-softmax", F.nll_loss(F.log_softmax(logits, dim=1), target).item())

pred, y = torch.tensor([0.0, 1.0, 5.0]), torch.tensor([0.5, 1.0, 1.0])
for loss in (nn.MSELoss(), nn.L1Loss(), nn.HuberLoss(delta=1.0)):
    print(f"{type(loss).__name__:10s} {loss(pred, y).item():.4f}")   # Huber: quadratic near 0, linear far away
print("BCE with logits", nn.BCEWithLogitsLoss()(torch.tensor([3.0, -2.0]), torch.tensor([1.0, 0.0])).item())


def valley(p):
    return p[0] ** 2 / 20 + p[1] ** 2


def optimizer_path(make_optimizer, steps=60):
    p = torch.tensor([-9.0, 1.5], requires_grad=True)
    optimizer = make_optimizer([p])
    path = [p.detach().clone()]
    for _ in range(steps):
        optimizer.zero_grad()
        valley(p).backward()
        optimizer.step()
        path.append(p.detach().clone())
    return torch.stack(path)


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    makers = {"SGD lr=0.9": lambda ps: torch.optim.SGD(ps, lr=0.9),
              "SGD + momentum 0.7": lambda ps: torch.optim.SGD(ps, lr=0.3, momentum=0.7),
              "RMSprop lr=0.3": lambda ps: torch.optim.RMSprop(ps, lr=0.3),
              "Adam lr=0.5": lambda ps: torch.optim.Adam(ps, lr=0.5)}
    a, b = torch.meshgrid(torch.linspace(-10, 3, 200), torch.linspace(-2, 2, 200), indexing="xy")
    plt.figure(figsize=(9, 4))
    plt.contour(a, b, valley((a, b)), levels=25, cmap="Greys", linewidths=0.6)
    for label, make in makers.items():
        path = optimizer_path(make)
        plt.plot(path[:, 0], path[:, 1], ".-", ms=3, label=f"{label}: f={valley(path[-1]).item():.3f}")
    plt.plot(0, 0, "k*", ms=12)
    plt.title("Optimizer paths on f(a, b) = a²/20 + b² (60 steps each)")
    plt.legend(fontsize=8)
    plt.show()


if __name__ == "__main__":      # the learning rate seen by each of the 50 optimizer steps, per scheduler
    import matplotlib.pyplot as plt

    epochs, batches = 5, 10
    val_losses = [1.0, 0.8, 0.81, 0.82, 0.83]          # a validation loss that stops improving after epoch 2

    def run(make, per):
        p = nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.SGD([p], lr=0.1)
        scheduler, lrs = make(optimizer), []
        for epoch in range(epochs):
            for _ in range(batches):
                lrs.append(optimizer.param_groups[0]["lr"])
                optimizer.step()
                if per == "batch":
                    scheduler.step()                   # OneCycleLR, CyclicLR: every batch
            if per == "epoch":
                scheduler.step()                       # StepLR and the other epoch schedules: every epoch
            elif per == "plateau":
                scheduler.step(val_losses[epoch])      # ReduceLROnPlateau: the monitored value, every evaluation
        return lrs

    schedules = {
        "StepLR(step_size=2, gamma=0.5)\nstep() per epoch": run(
            lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5), "epoch"),
        "OneCycleLR(max_lr=0.1, total_steps=50)\nstep() per batch": run(
            lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=epochs * batches), "batch"),
        "ReduceLROnPlateau(factor=0.5, patience=1)\nstep(val_loss) per epoch": run(
            lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, factor=0.5, patience=1), "plateau"),
    }
    fig, axes = plt.subplots(1, 3, figsize=(12, 3), sharey=True)
    for ax, (title, lrs) in zip(axes, schedules.items()):
        ax.plot(range(len(lrs)), lrs, drawstyle="steps-post")
        for e in range(1, epochs):
            ax.axvline(e * batches, color="grey", lw=0.5, ls=":")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("optimizer step (dotted: epoch boundaries)")
    axes[0].set_ylabel("learning rate")
    plt.tight_layout()
    plt.show()


batch_losses, batch_sizes = [0.50, 0.40, 0.90], [32, 32, 4]      # the last batch is short
weighted = sum(l * n for l, n in zip(batch_losses, batch_sizes)) / sum(batch_sizes)
print(f"per-sample mean {weighted:.4f}  vs  mean of batch means {np.mean(batch_losses):.4f}")

loader = DataLoader(TensorDataset(torch.randn(10, 3), torch.arange(10) % 2), batch_size=4)
print("batch sizes:", [len(xb) for xb, yb in loader])


def train_one_epoch(model, loader, optimizer, loss_fn):
    """One epoch of training; returns the mean training loss per sample."""
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
        count += len(x)
    return total / count


logits = torch.tensor([[2.0, 0.1], [0.3, 0.9], [1.5, -1.0], [0.2, 0.4], [3.0, 0.0]])   # 5 samples, 2 classes
labels = torch.tensor([0, 1, 1, 1, 1])
correct, count, batch_accuracies = 0, 0, []
for start in range(0, len(labels), 2):                  # batches of 2, 2 and 1
    hits = (logits[start:start + 2].argmax(dim=1) == labels[start:start + 2]).sum().item()
    correct, count = correct + hits, count + len(labels[start:start + 2])
    batch_accuracies.append(hits / len(labels[start:start + 2]))
print(f"accuracy over samples {correct / count:.2f}  vs  mean of batch accuracies {np.mean(batch_accuracies):.2f}")


def evaluate(model, loader, loss_fn):
    """Mean loss per sample and accuracy of a classifier, in eval mode without autograd."""
    # TODO 1: switch the model to evaluation mode and turn gradient recording off for the loop.
    # TODO 2: for each batch, add the batch loss times the batch size, the number of correct
    #         arg-max predictions, and the batch size to three running totals.
    # TODO 3: return the two means over samples as Python floats.
    # TODO 1: switch the model to evaluation mode and turn gradient recording off for the loop.
    # TODO 2: for each batch, add the batch loss times the batch size, the number of correct
    #         arg-max predictions, and the batch size to three running totals.
    # TODO 3: return the two means over samples as Python floats.
    # TODO 1: switch the model to evaluation mode and turn gradient recording off for the loop.
    # TODO 2: for each batch, add the batch loss times the batch size, the number of correct
    #         arg-max predictions, and the batch size to three running totals.
    # TODO 3: return the two means over samples as Python floats.
    # TODO 1: switch the model to evaluation mode and turn gradient recording off for the loop.
    # TODO 2: for each batch, add the batch loss times the batch size, the number of correct
    #         arg-max predictions, and the batch size to three running totals.
    # TODO 3: return the two means over samples as Python floats.
    # TODO 1: switch the model to evaluation mode and turn gradient recording off for the loop.
    # TODO 2: for each batch, add the batch loss times the batch size, the number of correct
    #         arg-max predictions, and the batch size to three running totals.
    # TODO 3: return the two means over samples as Python floats.
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)
            total += loss_fn(logits, y).item() * len(x)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(x)
    return total / count, correct / count


layer = nn.Linear(2, 1)
alias = layer.state_dict()                    # the live tensors
snapshot = copy.deepcopy(layer.state_dict())  # a real copy
with torch.no_grad():
    layer.weight += 1.0                       # what optimizer.step() does: in place
print("alias followed the update:  ", torch.equal(alias["weight"], layer.weight))
print("snapshot kept the old value:", not torch.equal(snapshot["weight"], layer.weight))


def fit(model, train_loader, val_loader, epochs, lr, patience):
    """Adam + cross-entropy with early stopping on the validation loss; restores the best weights."""
    # TODO 1: create the optimizer (Adam over the model's parameters, learning rate lr) and the loss.
    # TODO 2: start an empty history, the best validation loss so far (infinity), no saved weights
    #         yet, and a count of epochs without improvement.
    # TODO 3: for each epoch 1..epochs, train one epoch, evaluate on val_loader and append the
    #         history row {"epoch", "train_loss", "val_loss", "val_acc"}.
    # TODO 4: if the validation loss beats the best so far, remember it and a *copy* of the weights and
    #         reset the count; otherwise add one to the count and stop once it reaches patience.
    # TODO 5: load the saved weights back into the model and return the history.
    # TODO 1: create the optimizer (Adam over the model's parameters, learning rate lr) and the loss.
    # TODO 2: start an empty history, the best validation loss so far (infinity), no saved weights
    #         yet, and a count of epochs without improvement.
    # TODO 3: for each epoch 1..epochs, train one epoch, evaluate on val_loader and append the
    #         history row {"epoch", "train_loss", "val_loss", "val_acc"}.
    # TODO 4: if the validation loss beats the best so far, remember it and a *copy* of the weights and
    #         reset the count; otherwise add one to the count and stop once it reaches patience.
    # TODO 5: load the saved weights back into the model and return the history.
    # TODO 1: create the optimizer (Adam over the model's parameters, learning rate lr) and the loss.
    # TODO 2: start an empty history, the best validation loss so far (infinity), no saved weights
    #         yet, and a count of epochs without improvement.
    # TODO 3: for each epoch 1..epochs, train one epoch, evaluate on val_loader and append the
    #         history row {"epoch", "train_loss", "val_loss", "val_acc"}.
    # TODO 4: if the validation loss beats the best so far, remember it and a *copy* of the weights and
    #         reset the count; otherwise add one to the count and stop once it reaches patience.
    # TODO 5: load the saved weights back into the model and return the history.
    # TODO 1: create the optimizer (Adam over the model's parameters, learning rate lr) and the loss.
    # TODO 2: start an empty history, the best validation loss so far (infinity), no saved weights
    #         yet, and a count of epochs without improvement.
    # TODO 3: for each epoch 1..epochs, train one epoch, evaluate on val_loader and append the
    #         history row {"epoch", "train_loss", "val_loss", "val_acc"}.
    # TODO 4: if the validation loss beats the best so far, remember it and a *copy* of the weights and
    #         reset the count; otherwise add one to the count and stop once it reaches patience.
    # TODO 5: load the saved weights back into the model and return the history.
    # TODO 1: create the optimizer (Adam over the model's parameters, learning rate lr) and the loss.
    # TODO 2: start an empty history, the best validation loss so far (infinity), no saved weights
    #         yet, and a count of epochs without improvement.
    # TODO 3: for each epoch 1..epochs, train one epoch, evaluate on val_loader and append the
    #         history row {"epoch", "train_loss", "val_loss", "val_acc"}.
    # TODO 4: if the validation loss beats the best so far, remember it and a *copy* of the weights and
    #         reset the count; otherwise add one to the count and stop once it reaches patience.
    # TODO 5: load the saved weights back into the model and return the history.
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history, best_loss, best_state, waited = [], math.inf, None, 0
    for epoch in range(1, epochs + 1):
        train_loss = train_one_epoch(model, train_loader, optimizer, loss_fn)
        val_loss, val_acc = evaluate(model, val_loader, loss_fn)
        history.append({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss, "val_acc": val_acc})
        if val_loss < best_loss:
            best_loss, waited = val_loss, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
            if waited >= patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    with needs("MLP", "train_one_epoch", "evaluate", "fit"):
        torch.manual_seed(0)
        model = MLP(64, 256, 10, dropout=0.1)
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        X, y = load_digits(return_X_y=True)
        X = torch.tensor(X / 16.0, dtype=torch.float32)
        y = torch.tensor(y)
        # the course-wide split; the test part stays untouched, validation is carved out of the training part
        train_idx, test_idx = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y.numpy(), random_state=0)
        fit_idx, val_idx = train_test_split(train_idx, train_size=300, test_size=600, stratify=y.numpy()[train_idx],
                                            random_state=0)
        train_loader = DataLoader(TensorDataset(X[fit_idx], y[fit_idx]), batch_size=32, shuffle=True)
        val_loader = DataLoader(TensorDataset(X[val_idx], y[val_idx]), batch_size=256)
        history = fit(model, train_loader, val_loader, epochs=200, lr=3e-3, patience=10)
        best = min(history, key=lambda row: row["val_loss"])
        print(f"{len(history)} epochs; best epoch {best['epoch']}: val loss {best['val_loss']:.3f}, "
              f"val accuracy {best['val_acc']:.3f}")
        print("after restoring: val loss %.3f, val accuracy %.3f" % evaluate(model, val_loader, nn.CrossEntropyLoss()))

        epochs = [row["epoch"] for row in history]
        plt.figure(figsize=(7, 4))
        plt.plot(epochs, [row["train_loss"] for row in history], label="training loss")
        plt.plot(epochs, [row["val_loss"] for row in history], label="validation loss")
        plt.axvline(best["epoch"], ls="--", c="grey", label="best epoch (restored)")
        plt.xlabel("epoch")
        plt.ylabel("cross-entropy")
        plt.yscale("log")
        plt.legend()
        plt.title("Loss curves with early stopping")
        plt.show()


class LogCoshLoss(nn.Module):
    """mean(log(cosh(pred - target))), in a form that does not overflow for large errors."""

    def forward(self, pred, target):
        e = (pred - target).abs()
        return (e + torch.log1p(torch.exp(-2 * e)) - math.log(2)).mean()


pred = torch.tensor([0.0, 1.0, 100.0], requires_grad=True)
target = torch.zeros(3)
loss = LogCoshLoss()(pred, target)
loss.backward()
print("loss:", round(loss.item(), 4), "| naive log(cosh(100)) in float32:", torch.log(torch.cosh(torch.tensor(100.0))).item())
print("gradient:", pred.grad.tolist(), "| tanh(e)/N:", (torch.tanh(pred.detach()) / 3).tolist())


class QuantileLoss(nn.Module):
    """Pinball loss for quantile q: mean(max(q * e, (q - 1) * e)) with e = target - pred."""

    def __init__(self, q):
        super().__init__()
        self.q = q

    def forward(self, pred, target):
        error = target - pred
        return torch.maximum(self.q * error, (self.q - 1) * error).mean()


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    g = torch.Generator().manual_seed(0)
    xs = torch.rand(1000, 1, generator=g) * 4 - 2
    ys = torch.sin(1.5 * xs) + (0.1 + 0.3 * (xs + 2)) * torch.randn(xs.shape, generator=g)
    with needs("QuantileLoss"):
        curves = {}
        for q in (0.1, 0.5, 0.9):
            torch.manual_seed(0)
            model = nn.Sequential(nn.Linear(1, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
            loss_fn = QuantileLoss(q)
            for step in range(800):
                optimizer.zero_grad()
                loss_fn(model(xs), ys).backward()
                optimizer.step()
            with torch.no_grad():
                curves[q] = model
                print(f"q={q}: fraction of targets below the prediction {(ys < model(xs)).float().mean():.3f}")
        grid = torch.linspace(-2, 2, 200).unsqueeze(1)
        plt.figure(figsize=(7, 4))
        plt.scatter(xs, ys, s=4, alpha=0.3, label="data")
        with torch.no_grad():
            for q, model in curves.items():
                plt.plot(grid, model(grid), lw=2, label=f"quantile {q}")
        plt.legend()
        plt.title("Quantile regression with the pinball loss")
        plt.show()


class FocalLoss(nn.Module):
    """Multi-class focal loss -(1 - p_t)**gamma * log(p_t), reduced by mean, sum or none."""

    def __init__(self, gamma=2.0, reduction="mean"):
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"reduction must be 'mean', 'sum' or 'none', not {reduction!r}")
        self.gamma, self.reduction = gamma, reduction

    def forward(self, logits, target):
        # TODO 1: log p_t: the log-softmax of the logits over the classes, at each sample's target class.
        # TODO 2: the per-sample loss -(1 - p_t)**gamma * log p_t, with p_t = exp(log p_t).
        # TODO 3: reduce it as self.reduction says ("mean", "sum" or "none").
        log_pt = F.log_softmax(logits, dim=1).gather(1, target.long().unsqueeze(1)).squeeze(1)
        loss = -((1 - log_pt.exp()) ** self.gamma) * log_pt
        if self.reduction == "mean":
            return loss.mean()
        if self.reduction == "sum":
            return loss.sum()
        return loss


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    pt = torch.linspace(0.01, 0.99, 99)
    logits = torch.stack([torch.log(pt), torch.log(1 - pt)], dim=1)   # softmax gives [pt, 1 - pt]
    target = torch.zeros(99, dtype=torch.long)
    with needs("FocalLoss"):
        plt.figure(figsize=(6, 4))
        for gamma in (0, 0.5, 1, 2, 5):
            plt.plot(pt, FocalLoss(gamma, reduction="none")(logits, target).detach(), label=f"γ = {gamma}")
        plt.xlabel("probability of the true class p_t")
        plt.ylabel("loss")
        plt.legend()
        plt.title("Focal loss: γ = 0 is cross-entropy")
        plt.show()
