"""Hidden graders of LitClassifier: flattening forward, hyperparameters, loss, per-epoch val metrics, optimizer.

The logged validation metrics count only for a model that learned during Trainer.fit: logging the right
numbers for a model that never trains earns nothing.
"""
import csv
import io

import numpy as np

from dlcourse.grading import close, expect, graded, probe


def quiet_lightning():
    """Silence Lightning's info lines and warnings (sandbox side)."""
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    for name in ("lightning", "lightning.pytorch", "lightning.fabric", "pytorch_lightning", "lightning_fabric"):
        logging.getLogger(name).setLevel(logging.ERROR)


def lightning_of(model):
    """The Lightning package the model's class comes from: lightning.pytorch, or the standalone pytorch_lightning."""
    import sys

    import lightning.pytorch as pl
    if isinstance(model, pl.LightningModule):
        return pl
    standalone = sys.modules.get("pytorch_lightning")
    if standalone is not None and isinstance(model, standalone.LightningModule):
        return standalone
    return None


@probe(uses=[lightning_of])
def probe_forward(mod, in_shape, num_classes, lr, n, seed):
    torch.manual_seed(seed)
    in_features = int(np.prod(in_shape))
    model = mod.LitClassifier(in_features, num_classes, lr)
    model.eval()
    with torch.no_grad():
        out = model(torch.randn(n, *in_shape))
    hparams = getattr(model, "hparams", {})
    plain = {str(k): v for k, v in dict(hparams).items() if isinstance(v, (int, float, str, bool))}
    return {"is_lightning": lightning_of(model) is not None, "out_shape": [int(d) for d in out.shape],
            "out": out.detach().double().numpy(), "hparams": plain}


@probe(uses=[quiet_lightning])
def probe_training_step(mod, x, y, num_classes, lr, seed):
    quiet_lightning()
    torch.manual_seed(seed)
    model = mod.LitClassifier(int(np.prod(x.shape[1:])), num_classes, lr)
    model.eval()        # no dropout: forward and training_step see the same function
    xt, yt = torch.tensor(x), torch.tensor(y)
    loss = model.training_step((xt, yt), 0)
    if isinstance(loss, dict):
        loss = loss.get("loss")
    with torch.no_grad():
        logits = model(xt)
    ok = isinstance(loss, torch.Tensor) and loss.numel() == 1
    reaches = False
    if ok and loss.requires_grad:   # the loss must lead back to the model's parameters
        model.zero_grad()
        loss.backward()
        reaches = any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in model.parameters())
    return {"is_tensor": ok, "type": type(loss).__name__,
            "loss": float(loss) if ok else None, "requires_grad": bool(ok and loss.requires_grad),
            "reaches": bool(reaches), "logits": logits.detach().double().numpy()}


@probe
def probe_optimizer(mod, in_features, num_classes, lr, freeze_fraction, seed):
    model = mod.LitClassifier(in_features, num_classes, lr)
    names = [name for name, _ in model.named_parameters()]
    gen = np.random.default_rng(seed)
    k = 0 if freeze_fraction == 0 else min(max(1, int(round(freeze_fraction * len(names)))), len(names) - 1)
    frozen = set(gen.choice(names, size=k, replace=False).tolist()) if len(names) > 1 else set()
    for name, p in model.named_parameters():
        p.requires_grad_(name not in frozen)
    opt = model.configure_optimizers()
    if isinstance(opt, dict):
        opt = opt.get("optimizer")
    while isinstance(opt, (list, tuple)) and len(opt) >= 1:
        opt = opt[0]
    if not isinstance(opt, torch.optim.Optimizer):
        return {"is_optimizer": False, "type": type(opt).__name__}
    by_id = {id(p): name for name, p in model.named_parameters()}
    covered = [by_id.get(id(p), "<not a parameter of the model>") for g in opt.param_groups for p in g["params"]]
    return {"is_optimizer": True, "type": type(opt).__name__, "lrs": [float(g["lr"]) for g in opt.param_groups],
            "covered": sorted(covered), "trainable": sorted(n for n in names if n not in frozen),
            "n_groups": len(opt.param_groups)}


@probe(uses=[quiet_lightning, lightning_of])
def probe_fit(mod, x_train, y_train, x_val, y_val, epochs, lr, seed):
    import glob
    import os
    import tempfile

    from torch.utils.data import DataLoader, TensorDataset

    quiet_lightning()
    torch.manual_seed(seed)
    model = mod.LitClassifier(int(np.prod(x_train.shape[1:])), 10, lr)
    pl = lightning_of(model)
    if pl is None:
        return {"is_lightning": False}
    model.eval()
    with torch.no_grad():
        before = model(torch.tensor(x_val))
    logdir = tempfile.mkdtemp()
    train = DataLoader(TensorDataset(torch.tensor(x_train), torch.tensor(y_train)), batch_size=32, shuffle=True)
    # two validation batches of equal size: the per-epoch mean of batch means is the mean over the whole set
    val = DataLoader(TensorDataset(torch.tensor(x_val), torch.tensor(y_val)), batch_size=len(y_val) // 2)
    logger_module = __import__(pl.__name__ + ".loggers", fromlist=["CSVLogger"])
    trainer = pl.Trainer(accelerator="cpu", devices=1, max_epochs=epochs, logger=logger_module.CSVLogger(save_dir=logdir),
                         enable_progress_bar=False, enable_model_summary=False, enable_checkpointing=False,
                         num_sanity_val_steps=0)
    trainer.fit(model, train, val)
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor(x_val))
    paths = glob.glob(os.path.join(logdir, "**", "metrics.csv"), recursive=True)
    text = open(paths[0]).read() if paths else ""
    return {"is_lightning": True, "csv": text, "logits": logits.double().numpy(), "before": before.double().numpy()}


def cross_entropy(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(labels)), labels].mean())


def make_learnable(rng, n, in_shape):
    """Inputs around 10 random prototypes, one per class, with noise: a few epochs of any correct model learn them."""
    d = int(np.prod(in_shape))
    prototypes = rng.standard_normal((10, d))
    y = rng.permutation(np.arange(n) % 10)
    x = (prototypes[y] + 0.7 * rng.standard_normal((n, d))).astype(np.float32)
    return x.reshape(n, *in_shape), y.astype(np.int64)


def make_data(rng, n, in_shape):
    """Inputs with a learnable rule: the label is the argmax of 10 fixed projections."""
    d = int(np.prod(in_shape))
    w = rng.standard_normal((d, 10))
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x.reshape(n, *in_shape), (x @ w).argmax(axis=1).astype(np.int64)


@graded("LitClassifier", points=1)
def test_lit_classifier_forward_flattens_to_logits(sub, rng):
    for in_shape in ([1, 8, 8], [int(rng.integers(2, 5)), int(rng.integers(2, 5))], [int(rng.integers(3, 20))]):
        k, n = int(rng.integers(2, 12)), int(rng.integers(2, 7))
        got = sub.run(probe_forward, in_shape, k, 1e-3, n, int(rng.integers(1 << 30)))
        expect(got["is_lightning"], "LitClassifier should be a LightningModule (import lightning as L; L.LightningModule)")
        expect(tuple(got["out_shape"]) == (n, k),
               f"LitClassifier({int(np.prod(in_shape))}, {k}, lr) on a batch of {n} inputs of shape {tuple(in_shape)} "
               f"gives shape {tuple(got['out_shape'])}; expected ({n}, {k}) (forward flattens with x.flatten(1))")
        out = np.asarray(got["out"])
        expect(not ((out >= 0).all() and np.allclose(out.sum(axis=1), 1.0, atol=1e-4)),
               "LitClassifier's forward returns probabilities (rows sum to 1): return raw logits")


@graded("LitClassifier", points=1)
def test_lit_classifier_saves_hyperparameters(sub, rng):
    d, k, lr = int(rng.integers(5, 80)), int(rng.integers(2, 12)), float(10 ** rng.uniform(-4, -1))
    got = sub.run(probe_forward, [d], k, lr, 2, 0)
    hp = got["hparams"]
    want = {"in_features": d, "num_classes": k, "lr": lr}
    for key, value in want.items():
        expect(key in hp, f"model.hparams has no {key!r}: call self.save_hyperparameters() in __init__")
        close(hp[key], value, f"model.hparams[{key!r}] is not the value passed to LitClassifier", rtol=1e-12, atol=0)


@graded("LitClassifier", points=1)
def test_lit_classifier_training_step_returns_cross_entropy(sub, rng):
    k, n = 10, int(rng.integers(8, 20))
    x, y = make_data(rng, n, [1, 8, 8])
    got = sub.run(probe_training_step, x, y, k, 1e-3, int(rng.integers(1 << 30)))
    expect(got["is_tensor"], f"training_step should return the loss as a scalar tensor, got a {got['type']}")
    expect(got["requires_grad"], "the loss returned by training_step does not require grad: Lightning cannot backpropagate it")
    expect(got["reaches"], "backpropagating the loss returned by training_step gives the model's parameters no "
                           "gradient: compute it from the model's output, without detaching it")
    close(got["loss"], cross_entropy(np.asarray(got["logits"]), y),
          "training_step's loss is not the cross-entropy of the model's logits on the batch (F.cross_entropy)",
          rtol=1e-4, atol=1e-5)


@graded("LitClassifier", points=2)
def test_lit_classifier_logs_val_loss_and_val_acc_per_epoch(sub, rng):
    in_shape = [1, 8, 8]
    x, y = make_learnable(rng, 160, in_shape)
    epochs = int(rng.integers(2, 4))
    got = sub.run(probe_fit, x[:96], y[:96], x[96:], y[96:], epochs, 1e-2, int(rng.integers(1 << 30)))
    expect(got["is_lightning"], "LitClassifier should be a LightningModule (import lightning as L; L.LightningModule)")
    expect(got["csv"] != "", "training with a CSVLogger wrote no metrics.csv: nothing was logged with self.log")
    rows = list(csv.DictReader(io.StringIO(got["csv"])))
    columns = set(rows[0]) if rows else set()
    for key in ("val_loss", "val_acc"):
        expect(key in columns, f"the logged metrics have no {key!r} column (found {sorted(columns)}): "
                               f"log it in validation_step with self.log({key!r}, ...)")
    val_rows = [r for r in rows if r.get("val_loss", "") != ""]
    expect(len(val_rows) == epochs, f"after {epochs} epochs the CSV holds {len(val_rows)} val_loss rows; expected one per "
                                    "epoch (log in validation_step with the default on_epoch behaviour)")
    last = val_rows[-1]
    logits, labels = np.asarray(got["logits"]), y[96:]
    expect(np.shape(logits) == (len(labels), 10) and np.shape(got["before"]) == (len(labels), 10),
           "LitClassifier's forward does not give (N, num_classes) logits")
    # first the job: the model learned (every correct model more than halves this loss; measured over seeds)
    expect(cross_entropy(logits, labels) < 0.75 * cross_entropy(np.asarray(got["before"]), labels),
           f"after {epochs} epochs of Trainer.fit the model has hardly learned: training_step should return the "
           "cross-entropy of the batch and configure_optimizers an Adam over the parameters")
    close(float(last["val_loss"]), cross_entropy(logits, labels),
          "the last logged val_loss is not the cross-entropy of the final model on the validation data", rtol=1e-3, atol=1e-4)
    expect(last.get("val_acc", "") != "", "val_acc is missing from the last validation row")
    close(float(last["val_acc"]), float((logits.argmax(axis=1) == labels).mean()),
          "the last logged val_acc is not the final model's accuracy on the validation data (a fraction in [0, 1])",
          rtol=1e-4, atol=1e-4)


@graded("LitClassifier", points=1)
def test_lit_classifier_optimizer_over_trainable_parameters(sub, rng):
    for fraction in (0.0, float(rng.uniform(0.2, 0.8))):
        lr = float(10 ** rng.uniform(-4, -1))
        got = sub.run(probe_optimizer, int(rng.integers(5, 70)), int(rng.integers(2, 12)), lr, fraction,
                      int(rng.integers(1 << 30)))
        expect(got["is_optimizer"], f"configure_optimizers should return an optimizer, got a {got['type']}")
        expect(got["type"] == "Adam", f"configure_optimizers returns {got['type']}; expected Adam")
        close(got["lrs"], [lr] * got["n_groups"], "the optimizer's learning rate is not the lr given to LitClassifier",
              rtol=1e-9, atol=0)
        expect(got["covered"] == got["trainable"],
               "with some parameters frozen (requires_grad=False) before configure_optimizers, the optimizer should "
               "hold exactly the parameters that still require grad, each once")
