"""Hidden graders of fine_tune: accuracy on held-out digits 5-9, frozen parts untouched, the loop itself.

Every verdict comes from the weights and buffers fine_tune left in the model: the trusted side loads them
into its own DigitNet and measures accuracy on held-out images that never enter the learner's process, and
compares short runs with the exercise's loop run here from the same start on the same batches.
"""
import io
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from dlcourse.grading import close, expect, graded, probe

ROOT = Path(__file__).resolve().parents[2]
BACKBONE = ROOT / "source" / "09_torch_transfer_learning" / "digit_backbone.pt"
BATCH_NORMS = ["features.1", "features.4", "features.8"]


def digitnet(num_classes=5):
    """The notebook's DigitNet (the architecture is given, not graded)."""
    from torch import nn

    class DigitNet(nn.Module):
        def __init__(self, num_classes=5):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
                nn.AdaptiveAvgPool2d(1), nn.Flatten())
            self.head = nn.Linear(64, num_classes)

        def forward(self, x):
            return self.head(self.features(x))

    return DigitNet(num_classes)


def handed_over(start, trainable, in_eval):
    """The model fine_tune receives: DigitNet with the weights `start` (bytes of a state_dict), parameters
    trainable when their name starts with a prefix in `trainable`, the modules named in `in_eval` in eval mode
    ("" is the whole model), everything else in training mode."""
    import io

    model = digitnet(5)
    model.load_state_dict(torch.load(io.BytesIO(start), map_location="cpu", weights_only=True))
    for name, p in model.named_parameters():
        p.requires_grad_(name.startswith(tuple(trainable)))
    model.train()
    for name, m in model.named_modules():
        if name in in_eval:
            m.eval()
    return model


def reference_loop(model, loader, epochs, lr):
    """The loop the exercise describes (run here, in the trusted process, to compare with)."""
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(epochs):
        model.train()
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and not m.weight.requires_grad:
                m.eval()
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
    return model.eval()


@probe(uses=[digitnet, handed_over])
def probe_fine_tune(mod, start, trainable, in_eval, x, y, batch_size, epochs, lr, seed):
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(seed)
    model = handed_over(start, trainable, in_eval)
    loader = DataLoader(TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    returned = mod.fine_tune(model, loader, epochs, lr)
    state = torch.nn.Module.state_dict(model)
    return {"same_object": returned is model,
            "state": {k: v.detach().cpu().numpy() for k, v in state.items()},
            "training": {name or "model": bool(m.training) for name, m in torch.nn.Module.named_modules(model)}}


def reference_state(start, trainable, in_eval, x, y, batch_size, epochs, lr, seed):
    """The weights and buffers the exercise's loop leaves, from the same start and the same batches, computed
    here (one thread, as in the sandbox)."""
    from torch.utils.data import DataLoader, TensorDataset

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(seed)
        model = handed_over(start, trainable, in_eval)
        loader = DataLoader(TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=batch_size, shuffle=True,
                            generator=torch.Generator().manual_seed(seed))
        reference_loop(model, loader, epochs, lr)
    finally:
        torch.set_num_threads(threads)
    return {k: v.detach().numpy() for k, v in model.state_dict().items()}


def start_bytes(rng):
    """The backbone file's weights with a fresh 5-class head drawn for this run, as state_dict bytes."""
    state = torch.load(BACKBONE, map_location="cpu", weights_only=True)
    bound = 1 / np.sqrt(64)
    state["head.weight"] = torch.tensor(rng.uniform(-bound, bound, (5, 64)).astype(np.float32))
    state["head.bias"] = torch.tensor(rng.uniform(-bound, bound, 5).astype(np.float32))
    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue(), {k: v.numpy() for k, v in state.items()}


def split_5_to_9(rng):
    """Digits 5-9 as (N, 1, 8, 8) float32 of pixels/16, labels digit - 5, split in half (stratified, fresh seed)."""
    X, y = load_digits(return_X_y=True)
    keep = y >= 5
    X = (X[keep] / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    y = (y[keep] - 5).astype(np.int64)
    train, test = train_test_split(np.arange(len(y)), test_size=0.5, stratify=y, random_state=int(rng.integers(2**31)))
    return X[train], y[train], X[test], y[test]


def model_from(state):
    """A DigitNet (eval mode) holding the weights and buffers fine_tune left, checked name by name and shape by
    shape before anything is loaded."""
    model = digitnet(5)
    want = model.state_dict()
    expect(type(state) is dict and set(state) == set(want),
           "after fine_tune the model's state_dict no longer has DigitNet's entries: train the model you are given")
    loaded = {}
    for name, value in want.items():
        got = state[name]
        expect(type(got) is np.ndarray and got.shape == tuple(value.shape) and got.dtype.kind in "fiu",
               "after fine_tune the model's state_dict no longer has DigitNet's shapes: train the model you are given")
        loaded[name] = torch.tensor(got.astype(np.float64)).to(value.dtype)
    model.load_state_dict(loaded)
    return model.eval()


def accuracy(state, x, y):
    with torch.no_grad():
        return float((model_from(state)(torch.tensor(x)).argmax(1).numpy() == y).mean())


def logits(state, x):
    with torch.no_grad():
        return model_from(state)(torch.tensor(x)).double().numpy()


def run(sub, rng, trainable, in_eval, data, epochs, lr, batch_size=32):
    start, initial = start_bytes(rng)
    x, y = data
    args = (start, trainable, in_eval, x, y, batch_size, epochs, lr, int(rng.integers(2**31)))
    return sub.run(probe_fine_tune, *args), initial, args


def changed(got, initial, names):
    return [k for k in names if not np.array_equal(got["state"][k], initial[k])]


FROZEN = ["head."]            # parameters trainable in a frozen-backbone run
EVERYTHING = ["features.", "head."]


@graded("fine_tune", points=2)
def test_fine_tune_whole_network_accuracy(sub, rng):
    x_train, y_train, x_test, y_test = split_5_to_9(rng)
    got, _, _ = run(sub, rng, EVERYTHING, [""], (x_train, y_train), 10, 1e-3)      # handed over in eval mode
    expect(got["same_object"], "fine_tune should return the model it was given")
    acc = accuracy(got["state"], x_test, y_test)
    expect(acc >= 0.95, f"fine-tuning the whole network (new 5-class head, 10 epochs, lr=1e-3, batch 32, half of the "
                        f"digits 5-9) reached {acc:.3f} accuracy on the other half; at least 0.95 is expected "
                        "(Adam over the trainable parameters, cross-entropy)")


@graded("fine_tune", points=2)
def test_fine_tune_keeps_a_frozen_backbone_unchanged(sub, rng):
    x_train, y_train, x_test, y_test = split_5_to_9(rng)
    # frozen by requires_grad; some of its batch norms still in training mode (at least one)
    in_eval = [bn for bn in BATCH_NORMS if rng.random() < 0.5][:2]
    got, initial, _ = run(sub, rng, FROZEN, in_eval, (x_train, y_train), 10, 1e-2)
    acc = accuracy(got["state"], x_test, y_test)
    expect(acc >= 0.65, f"with a frozen backbone, fine_tune reached {acc:.3f} held-out accuracy (at least 0.65 is "
                        "expected): the head should learn")
    names = [k for k in initial if k.startswith("features.")]
    moved = changed(got, initial, names)
    running = [k for k in moved if "running" in k or "num_batches" in k]
    weights = [k for k in moved if k not in running]
    expect(not weights, f"fine_tune changed frozen backbone parameters ({weights[:2]}): optimize only parameters "
                        "that require grad")
    expect(not running, f"fine_tune changed the batch-norm running statistics of a frozen backbone ({running[:2]}): "
                        "after model.train(), put every BatchNorm whose weight does not require grad in eval mode, "
                        "whatever mode it had when fine_tune was called")


@graded("fine_tune", points=1)
def test_fine_tune_frozen_backbone_accuracy(sub, rng):
    x_train, y_train, x_test, y_test = split_5_to_9(rng)
    got, _, _ = run(sub, rng, FROZEN, list(BATCH_NORMS), (x_train, y_train), 10, 1e-2)   # as freeze_backbone leaves it
    acc = accuracy(got["state"], x_test, y_test)
    expect(acc >= 0.65, f"training only a new head on the frozen backbone (10 epochs, lr=1e-2, batch 32, half of "
                        f"the digits 5-9) reached {acc:.3f} accuracy on the other half; at least 0.65 is expected")


def short_run(sub, rng, in_eval):
    x, y, _, _ = split_5_to_9(rng)
    n, batch_size, epochs = int(rng.integers(40, 90)), int(rng.integers(8, 17)), int(rng.integers(2, 5))
    got, initial, args = run(sub, rng, EVERYTHING, in_eval, (x[:n], y[:n]), epochs, 1e-3, batch_size)
    want = reference_state(*args)
    return got, want, initial, x[:n], epochs


def same_as_reference(got, want, x, epochs):
    close(logits(got["state"], x), logits(want, x),
          f"after fine_tune(model, loader, epochs={epochs}, lr) the model differs from {epochs} passes of Adam and "
          "cross-entropy over the loader (gradients cleared before each batch's backward)", rtol=1e-3, atol=1e-3)


@graded("fine_tune", points=1)
def test_fine_tune_runs_the_epochs_and_ends_in_eval_mode(sub, rng):
    got, want, _, x, epochs = short_run(sub, rng, [])
    expect(got["same_object"], "fine_tune should return the model it was given")
    same_as_reference(got, want, x, epochs)
    in_training = sorted(name for name, training in got["training"].items() if training)
    expect(not in_training, f"after fine_tune the model should be in eval mode; still training: {in_training[:3]}")


@graded("fine_tune", points=1)
def test_fine_tune_trains_a_model_handed_over_in_eval_mode(sub, rng):
    got, want, initial, x, epochs = short_run(sub, rng, [""])
    counts = [f"{bn}.num_batches_tracked" for bn in BATCH_NORMS]
    expect(all(int(got["state"][k]) > int(initial[k]) for k in counts),
           "given a model in eval mode, fine_tune trained it without putting its batch norm in training mode: "
           "call model.train() at the start of each epoch")
    same_as_reference(got, want, x, epochs)
