"""Hidden graders of train_lightning: a CPU Trainer, a CSV logger under logdir, no progress bar, final metrics."""
import csv
import io

import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_train(mod, x_train, y_train, x_val, y_val, epochs, seed):
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

    def grader_module(base):
        class GraderModule(base):
            """A small classifier that records how the Trainer runs it."""

            def __init__(self):
                super().__init__()
                self.net = torch.nn.Linear(x_train.shape[1], 3)
                self.seen = {"epochs": 0}

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
                self.seen["epochs"] += 1
                self.seen["accelerator"] = type(t.accelerator).__name__
                self.seen["num_devices"] = int(t.num_devices)
                self.seen["progress_bar"] = t.progress_bar_callback is not None
                self.seen["loggers"] = [type(lg).__name__ for lg in t.loggers]
                self.seen["max_epochs"] = t.max_epochs

            def configure_optimizers(self):
                return torch.optim.SGD(self.parameters(), lr=0.5)
        return GraderModule

    torch.manual_seed(seed)
    train = DataLoader(TensorDataset(torch.tensor(x_train), torch.tensor(y_train)), batch_size=16, shuffle=True)
    val = DataLoader(TensorDataset(torch.tensor(x_val), torch.tensor(y_val)), batch_size=len(y_val))
    logdir = os.path.join(tempfile.mkdtemp(), "logs")
    model = grader_module(pl.LightningModule)()
    try:
        result = mod.train_lightning(model, train, val, epochs, logdir)
    except TypeError as exc:   # a Trainer from the standalone pytorch_lightning package wants its own LightningModule
        standalone = sys.modules.get("pytorch_lightning")
        if standalone is None or "LightningModule" not in str(exc):
            raise
        model = grader_module(standalone.LightningModule)()
        result = mod.train_lightning(model, train, val, epochs, logdir)
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor(x_val))
    if isinstance(result, dict):
        plain = {str(k): v for k, v in result.items() if type(v) in (float, int)}
        kinds = {str(k): type(v).__name__ for k, v in result.items()}
    else:
        plain, kinds = None, type(result).__name__
    csvs = {os.path.relpath(p, logdir): open(p).read()
            for p in glob.glob(os.path.join(logdir, "**", "metrics.csv"), recursive=True)}
    return {"result": plain, "kinds": kinds, "csvs": csvs, "seen": model.seen, "logits": logits.double().numpy()}


def make_data(rng):
    d = int(rng.integers(4, 9))
    w = rng.standard_normal((d, 3))
    x = rng.standard_normal((80, d)).astype(np.float32)
    y = (x @ w).argmax(axis=1).astype(np.int64)
    return x[:48], y[:48], x[48:], y[48:]


def cross_entropy(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(labels)), labels].mean())


def run(sub, rng):
    epochs = int(rng.integers(2, 5))
    x_train, y_train, x_val, y_val = make_data(rng)
    got = sub.run(probe_train, x_train, y_train, x_val, y_val, epochs, int(rng.integers(1 << 30)))
    return got, epochs, np.asarray(got["logits"]), y_val


def val_rows(got):
    expect(len(got["csvs"]) >= 1, "no metrics.csv was written under logdir: use CSVLogger(save_dir=logdir) as the logger")
    rows = list(csv.DictReader(io.StringIO(next(iter(got["csvs"].values())))))
    return [r for r in rows if r.get("val_loss", "") != ""]


@graded("train_lightning", points=2)
def test_train_lightning_csv_has_val_loss_per_epoch(sub, rng):
    got, epochs, logits, y_val = run(sub, rng)
    expect(len(got["csvs"]) == 1, f"found {len(got['csvs'])} metrics.csv files under logdir; expected one CSVLogger run")
    rows = val_rows(got)
    expect(len(rows) == epochs, f"with max_epochs={epochs} the CSV holds {len(rows)} val_loss rows; expected one per epoch")
    close(float(rows[-1]["val_loss"]), cross_entropy(logits, y_val),
          "the CSV's last val_loss is not the final model's validation loss", rtol=1e-3, atol=1e-4)


@graded("train_lightning", points=2)
def test_train_lightning_returns_final_metrics_as_floats(sub, rng):
    got, epochs, logits, y_val = run(sub, rng)
    expect(isinstance(got["kinds"], dict), f"train_lightning should return a dict of metrics, got a {got['kinds']}")
    bad = {k: v for k, v in got["kinds"].items() if v != "float"}
    expect(not bad, f"train_lightning's metrics should all be Python floats; got {bad}")
    for key in ("val_loss", "val_acc"):
        expect(key in got["result"], f"the returned metrics have no {key!r} (return trainer.callback_metrics as floats)")
    close(got["result"]["val_loss"], cross_entropy(logits, y_val),
          "the returned val_loss is not the last epoch's validation loss", rtol=1e-3, atol=1e-4)
    close(got["result"]["val_acc"], float((logits.argmax(axis=1) == y_val).mean()),
          "the returned val_acc is not the last epoch's validation accuracy", rtol=1e-4, atol=1e-4)


@graded("train_lightning", points=1)
def test_train_lightning_cpu_trainer_without_progress_bar(sub, rng):
    got, epochs, _, _ = run(sub, rng)
    seen = got["seen"]
    expect(seen["epochs"] == epochs, f"train_lightning(max_epochs={epochs}) trained {seen['epochs']} epochs")
    expect(seen.get("accelerator") == "CPUAccelerator", f"the Trainer uses {seen.get('accelerator')}; expected the CPU accelerator")
    expect(seen.get("num_devices") == 1, f"the Trainer uses {seen.get('num_devices')} devices; expected 1")
    expect(not seen.get("progress_bar", True), "the Trainer shows a progress bar: pass enable_progress_bar=False")
    expect("CSVLogger" in seen.get("loggers", []), f"the Trainer's loggers are {seen.get('loggers')}; expected a CSVLogger")
