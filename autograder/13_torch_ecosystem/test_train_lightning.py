"""Hidden graders of train_lightning: a CPU Trainer, a CSV logger under logdir, no progress bar, final metrics.

The grader's module starts from weights drawn here and trains by plain SGD on batches in a fixed order, so
this process replays the whole training (``replay``): every test first requires the learner's run to end
with those weights, and compares the CSV and the returned metrics with the replayed per-epoch values. What
the module saw of the Trainer (accelerator, progress bar, loggers) is kept in the probe's frame, not on the
model, and counts only together with that.
"""
import csv
import io

import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_train(mod, x_train, y_train, x_val, y_val, epochs, w0, b0):
    import glob
    import logging
    import os
    import sys
    import tempfile
    import warnings

    import lightning.pytorch as pl
    from torch.utils.data import DataLoader, TensorDataset

    warnings.filterwarnings("ignore")
    for name in ("lightning", "lightning.pytorch", "lightning.fabric", "pytorch_lightning", "lightning_fabric"):
        logging.getLogger(name).setLevel(logging.ERROR)
    record = {"epochs": 0}   # what the Trainer looked like, kept in this frame: not on the model the learner gets

    def grader_module(base):
        class GraderModule(base):
            """A linear classifier with the grader's starting weights, trained by plain SGD."""

            def __init__(self):
                super().__init__()
                self.net = torch.nn.Linear(x_train.shape[1], 3)
                with torch.no_grad():
                    self.net.weight.copy_(torch.tensor(w0))
                    self.net.bias.copy_(torch.tensor(b0))

            def forward(self, x):
                return self.net(x)

            def training_step(self, batch, batch_idx):
                x, y = batch
                loss = torch.nn.functional.cross_entropy(self(x), y)
                self.log("train_loss", loss, on_step=False, on_epoch=True)
                return loss

            def validation_step(self, batch, batch_idx):
                x, y = batch
                logits = self(x)
                self.log("val_loss", torch.nn.functional.cross_entropy(logits, y))
                self.log("val_acc", (logits.argmax(dim=1) == y).float().mean())

            def on_train_epoch_end(self):
                t = self.trainer
                record["epochs"] += 1
                record["accelerator"] = type(t.accelerator).__name__
                record["num_devices"] = int(t.num_devices)
                record["progress_bar"] = t.progress_bar_callback is not None
                record["loggers"] = [type(lg).__name__ for lg in t.loggers]

            def configure_optimizers(self):
                return torch.optim.SGD(self.parameters(), lr=0.5)
        return GraderModule

    # no shuffling: the batches come in a fixed order, so the trusted side can replay the training
    train = DataLoader(TensorDataset(torch.tensor(x_train), torch.tensor(y_train)), batch_size=16, shuffle=False)
    val = DataLoader(TensorDataset(torch.tensor(x_val), torch.tensor(y_val)), batch_size=len(y_val))
    logdir = os.path.join(tempfile.mkdtemp(), "logs")
    model = grader_module(pl.LightningModule)()
    net = model.net
    try:
        result = mod.train_lightning(model, train, val, epochs, logdir)
    except TypeError as exc:   # a Trainer from the standalone pytorch_lightning package wants its own LightningModule
        standalone = sys.modules.get("pytorch_lightning")
        if standalone is None or "LightningModule" not in str(exc):
            raise
        model = grader_module(standalone.LightningModule)()
        net = model.net
        result = mod.train_lightning(model, train, val, epochs, logdir)
    if isinstance(result, dict):
        plain = {str(k): v for k, v in result.items() if type(v) in (float, int)}
        kinds = {str(k): type(v).__name__ for k, v in result.items()}
    else:
        plain, kinds = None, type(result).__name__
    csvs = {os.path.relpath(p, logdir): open(p).read()
            for p in glob.glob(os.path.join(logdir, "**", "metrics.csv"), recursive=True)}
    return {"result": plain, "kinds": kinds, "csvs": csvs, "seen": dict(record),
            "weight": net.weight.detach().double().numpy(), "bias": net.bias.detach().double().numpy()}


def make_data(rng):
    d = int(rng.integers(4, 9))
    w = rng.standard_normal((d, 3))
    x = rng.standard_normal((80, d)).astype(np.float32)
    y = (x @ w).argmax(axis=1).astype(np.int64)
    return x[:48], y[:48], x[48:], y[48:]


def replay(x_train, y_train, x_val, y_val, epochs, w0, b0):
    """The training the Trainer must run, replayed here: SGD(0.5) on batches of 16 in order, then validation.

    Returns the final weight and bias, and each epoch's validation (loss, accuracy) after its training.
    """
    import torch

    net = torch.nn.Linear(x_train.shape[1], 3)
    with torch.no_grad():
        net.weight.copy_(torch.tensor(w0))
        net.bias.copy_(torch.tensor(b0))
    xt, yt, xv, yv = (torch.tensor(a) for a in (x_train, y_train, x_val, y_val))
    per_epoch = []
    for _ in range(epochs):
        for i in range(0, len(yt), 16):   # plain SGD, written out (torch.optim would import torch._dynamo here)
            net.zero_grad()
            torch.nn.functional.cross_entropy(net(xt[i:i + 16]), yt[i:i + 16]).backward()
            with torch.no_grad():
                for p in net.parameters():
                    p.add_(p.grad, alpha=-0.5)
        with torch.no_grad():
            logits = net(xv)
            per_epoch.append((float(torch.nn.functional.cross_entropy(logits, yv)),
                              float((logits.argmax(dim=1) == yv).float().mean())))
    return net.weight.detach().double().numpy(), net.bias.detach().double().numpy(), per_epoch


def run(sub, rng):
    """The learner's run on fresh data, after checking it trained the grader's module exactly `epochs` epochs."""
    epochs = int(rng.integers(2, 5))
    x_train, y_train, x_val, y_val = make_data(rng)
    w0 = (rng.standard_normal((3, x_train.shape[1])) * 0.3).astype(np.float32)
    b0 = (rng.standard_normal(3) * 0.3).astype(np.float32)
    got = sub.run(probe_train, x_train, y_train, x_val, y_val, epochs, w0, b0)
    weight, bias, per_epoch = replay(x_train, y_train, x_val, y_val, epochs, w0, b0)
    close(got["weight"], weight, f"after train_lightning(max_epochs={epochs}) the model's weights are not those of "
                                 f"{epochs} epochs of its training_step and optimizer over the train loader: "
                                 "fit it with a Trainer", rtol=1e-3, atol=1e-4)
    close(got["bias"], bias, f"after train_lightning(max_epochs={epochs}) the model's bias is not that of {epochs} "
                             "epochs of training", rtol=1e-3, atol=1e-4)
    return got, epochs, per_epoch


def val_rows(got):
    expect(len(got["csvs"]) >= 1, "no metrics.csv was written under logdir: use CSVLogger(save_dir=logdir) as the logger")
    rows = list(csv.DictReader(io.StringIO(next(iter(got["csvs"].values())))))
    return [r for r in rows if r.get("val_loss", "") != ""]


@graded("train_lightning", points=2)
def test_train_lightning_csv_has_val_loss_per_epoch(sub, rng):
    got, epochs, per_epoch = run(sub, rng)
    expect(len(got["csvs"]) == 1, f"found {len(got['csvs'])} metrics.csv files under logdir; expected one CSVLogger run")
    rows = val_rows(got)
    expect(len(rows) == epochs, f"with max_epochs={epochs} the CSV holds {len(rows)} val_loss rows; expected one per epoch")
    try:
        logged = [float(r["val_loss"]) for r in rows]
    except ValueError:
        logged = None
    expect(logged is not None, "the CSV's val_loss column holds something that is not a number")
    close(logged, [loss for loss, _ in per_epoch],
          "the CSV's val_loss rows are not the validation losses after each epoch of training", rtol=1e-3, atol=1e-4)


@graded("train_lightning", points=2)
def test_train_lightning_returns_final_metrics_as_floats(sub, rng):
    got, epochs, per_epoch = run(sub, rng)
    expect(isinstance(got["kinds"], dict), f"train_lightning should return a dict of metrics, got a {str(got['kinds'])[:40]}")
    bad = sorted(k for k, v in got["kinds"].items() if v != "float")
    expect(not bad, f"train_lightning's metrics should all be Python floats; {bad[:3]} are not")
    for key in ("val_loss", "val_acc"):
        expect(key in got["result"], f"the returned metrics have no {key!r} (return trainer.callback_metrics as floats)")
    close(got["result"]["val_loss"], per_epoch[-1][0],
          "the returned val_loss is not the last epoch's validation loss", rtol=1e-3, atol=1e-4)
    close(got["result"]["val_acc"], per_epoch[-1][1],
          "the returned val_acc is not the last epoch's validation accuracy", rtol=1e-4, atol=1e-4)


@graded("train_lightning", points=1)
def test_train_lightning_cpu_trainer_without_progress_bar(sub, rng):
    got, epochs, _ = run(sub, rng)   # the Trainer's facts count only for a run that really trained
    seen = got["seen"]
    expect(seen["epochs"] == epochs, f"train_lightning(max_epochs={epochs}) trained {seen['epochs']} epochs")
    expect(seen.get("accelerator") == "CPUAccelerator", "the Trainer does not use the CPU accelerator: pass accelerator=\"cpu\"")
    expect(seen.get("num_devices") == 1, "the Trainer does not use exactly 1 device: pass devices=1")
    expect(not seen.get("progress_bar", True), "the Trainer shows a progress bar: pass enable_progress_bar=False")
    expect("CSVLogger" in seen.get("loggers", []), "the Trainer has no CSVLogger: pass logger=CSVLogger(save_dir=logdir)")
