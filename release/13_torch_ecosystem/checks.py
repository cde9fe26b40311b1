"""Visible checks of 13_torch_ecosystem: small fixed examples, run in your kernel.

The hidden graders test more behaviours, with fresh random inputs.
"""
import contextlib
import glob
import logging
import os
import tempfile
import warnings

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from dlcourse.visible import Checks

checks = Checks()


@contextlib.contextmanager
def quiet():
    """No warnings or Lightning info lines while a check runs (a check cell should print one line)."""
    names = ["lightning", "lightning.pytorch", "lightning.fabric", "optuna"]
    levels = [logging.getLogger(n).level for n in names]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for n in names:
            logging.getLogger(n).setLevel(logging.ERROR)
        try:
            yield
        finally:
            for n, level in zip(names, levels):
                logging.getLogger(n).setLevel(level)


@checks.of("DigitsDataset")
def _(DigitsDataset):
    from torchvision.transforms import v2

    train, test = DigitsDataset(train=True), DigitsDataset(train=False)
    checks.expect(len(train) == 1347 and len(test) == 450,
                  f"lengths should be 1347 (train) and 450 (test), got {len(train)} and {len(test)}")
    image, label = train[0]
    checks.expect(isinstance(image, torch.Tensor), f"the image should be a tensor, got a {type(image).__name__}")
    checks.expect(tuple(image.shape) == (1, 8, 8), f"the image should have shape (1, 8, 8), got {tuple(image.shape)}")
    checks.expect(image.dtype == torch.float32, f"the image should be float32, got {image.dtype}")
    checks.expect(type(label) is int, f"the label should be a Python int, got a {type(label).__name__}")
    checks.expect(label == 7 and abs(float(image.sum()) - 16.625) < 1e-4,
                  f"train item 0 should be a 7 whose pixels/16 sum to 16.625; got label {label}, sum {float(image.sum()):.4f} "
                  "(follow the course split exactly)")
    checks.expect(test[0][1] == 2, f"test item 0 should be a 2, got {test[0][1]}")
    shifted = DigitsDataset(train=True, transform=v2.Normalize(mean=[0.5], std=[0.5]))
    out, out_label = shifted[0]
    checks.expect(torch.allclose(out, image * 2 - 1) and out_label == label,
                  "with transform=v2.Normalize(mean=[0.5], std=[0.5]) item 0 should be (2 * image - 1, same label)")


@checks.of("small_resnet")
def _(small_resnet):
    torch.manual_seed(0)
    model = small_resnet(10)
    seen = []
    handle = model.layer1.register_forward_hook(lambda m, i, o: seen.append(tuple(o.shape)))
    with torch.no_grad():
        out = model(torch.rand(2, 1, 8, 8))
    handle.remove()
    checks.expect(tuple(out.shape) == (2, 10), f"small_resnet(10) on (2, 1, 8, 8) should give (2, 10), got {tuple(out.shape)}")
    checks.expect(seen == [(2, 64, 8, 8)], f"layer1's output should be (2, 64, 8, 8), got {seen}")
    checks.expect(isinstance(model.maxpool, torch.nn.Identity), "model.maxpool should be nn.Identity()")


@checks.of("LitClassifier")
def _(LitClassifier):
    import lightning as L

    torch.manual_seed(0)
    model = LitClassifier(64, 10, 0.01)
    checks.expect(isinstance(model, L.LightningModule), "LitClassifier should subclass L.LightningModule")
    checks.expect(model.hparams.get("lr") == 0.01, f"model.hparams should hold lr=0.01 (save_hyperparameters()), "
                                                   f"got {dict(model.hparams)}")
    x, y = torch.rand(4, 1, 8, 8), torch.tensor([0, 1, 2, 3])
    logits = model(x)
    checks.expect(tuple(logits.shape) == (4, 10), f"forward on (4, 1, 8, 8) should give (4, 10), got {tuple(logits.shape)}")
    with quiet():
        loss = model.training_step((x, y), 0)
    checks.expect(isinstance(loss, torch.Tensor) and loss.dim() == 0, "training_step should return a scalar loss tensor")
    checks.expect(torch.allclose(loss, torch.nn.functional.cross_entropy(model(x), y)),
                  "training_step's loss should be F.cross_entropy(logits, y)")
    opt = model.configure_optimizers()
    checks.expect(isinstance(opt, torch.optim.Adam), f"configure_optimizers should return Adam, got {type(opt).__name__}")


@checks.of("train_lightning")
def _(train_lightning):
    import lightning as L

    class Tiny(L.LightningModule):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Linear(3, 2)

        def forward(self, x):
            return self.net(x)

        def training_step(self, batch, batch_idx):
            return torch.nn.functional.cross_entropy(self(batch[0]), batch[1])

        def validation_step(self, batch, batch_idx):
            logits = self(batch[0])
            self.log("val_loss", torch.nn.functional.cross_entropy(logits, batch[1]))
            self.log("val_acc", (logits.argmax(1) == batch[1]).float().mean())

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.1)

    torch.manual_seed(0)
    x = torch.randn(32, 3)
    y = (x[:, 0] > 0).long()
    loader = DataLoader(TensorDataset(x, y), batch_size=8)
    logdir = tempfile.mkdtemp()
    with quiet():
        result = train_lightning(Tiny(), loader, loader, 2, logdir)
    checks.expect(isinstance(result, dict), f"train_lightning should return a dict, got a {type(result).__name__}")
    checks.expect({"val_loss", "val_acc"} <= set(result), f"the result should include val_loss and val_acc, got {sorted(result)}")
    checks.expect(all(type(v) is float for v in result.values()), "every value in the result should be a Python float")
    found = glob.glob(os.path.join(logdir, "**", "metrics.csv"), recursive=True)
    checks.expect(len(found) == 1, f"expected one metrics.csv under logdir (a CSVLogger), found {len(found)}")


@checks.of("log_scalars")
def _(log_scalars):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logdir = tempfile.mkdtemp()
    log_scalars(logdir, "loss", [3.0, 2.0, 1.5])
    acc = EventAccumulator(logdir)
    acc.Reload()
    checks.expect("loss" in acc.Tags()["scalars"], f"no scalars under 'loss' in {logdir} (is the writer closed?); "
                                                   f"tags found: {acc.Tags()['scalars']}")
    got = [(e.step, e.value) for e in acc.Scalars("loss")]
    checks.expect(got == [(0, 3.0), (1, 2.0), (2, 1.5)], f"expected [(0, 3.0), (1, 2.0), (2, 1.5)] as (step, value), got {got}")


@checks.of("tune")
def _(tune):
    calls = []

    def objective(trial):
        x = trial.suggest_float("x", -4.0, 4.0)
        calls.append(x)
        return (x - 1.0) ** 2

    with quiet():
        best = tune(objective, 8, 0)
        again = tune(objective, 8, 0)
    checks.expect(isinstance(best, dict) and set(best) == {"x"}, f"tune should return the best params, {{'x': ...}}, got {best!r}")
    checks.expect(len(calls) == 16, f"two calls of tune with n_trials=8 should call the objective 16 times, got {len(calls)}")
    checks.expect(best == again, f"the same seed should give the same result, got {best} and {again}")
    checks.expect(best["x"] == min(calls[:8], key=lambda v: (v - 1.0) ** 2), "tune should return the trial with the LOWEST value")


check = checks.check
needs = checks.needs
