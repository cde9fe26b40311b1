"""Hidden graders of freeze_backbone: only the head trainable, batch norm outside it in eval mode.

What freeze_backbone sets (flags, modes) is seen through its effect: after it, the probe takes one plain SGD step
(a forward pass in the modes freeze_backbone left, cross-entropy, every parameter that requires grad) and returns
the weights and buffers; the trusted side compares them with the same step on a correctly frozen copy.
"""
import io
from pathlib import Path

import numpy as np
import torch

from dlcourse.grading import close, expect, graded, probe

ROOT = Path(__file__).resolve().parents[2]
BACKBONE = ROOT / "source" / "09_torch_transfer_learning" / "digit_backbone.pt"
LR = 0.1


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


def sgd_step(model, x, y, lr):
    """One forward pass in the model's current modes, cross-entropy, a plain SGD step on what requires grad."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    loss = torch.nn.functional.cross_entropy(model(torch.tensor(x)), torch.tensor(y))
    grads = torch.autograd.grad(loss, trainable) if trainable else []
    with torch.no_grad():
        for p, g in zip(trainable, grads):
            p -= lr * g


@probe(uses=[digitnet, sgd_step])
def probe_freeze(mod, start, k, prefrozen, x, y, lr):
    import io

    model = digitnet(k)
    model.load_state_dict(torch.load(io.BytesIO(start), map_location="cpu", weights_only=True))
    for name, p in model.named_parameters():
        if name in prefrozen:
            p.requires_grad_(False)
    model.train()
    returned = mod.freeze_backbone(model)
    bn = {name: bool(m.training) for name, m in model.named_modules() if isinstance(m, torch.nn.BatchNorm2d)}
    sgd_step(model, x, y, lr)
    return {"returned_none": returned is None, "bn_training": bn,
            "state": {name: v.detach().cpu().numpy() for name, v in torch.nn.Module.state_dict(model).items()}}


PARAMS = ["features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias", "features.3.weight",
          "features.3.bias", "features.4.weight", "features.4.bias", "features.7.weight", "features.7.bias",
          "features.8.weight", "features.8.bias", "head.weight", "head.bias"]
BUFFERS = [f"features.{i}.{b}" for i in (1, 4, 8) for b in ("running_mean", "running_var", "num_batches_tracked")]


def prefrozen_sets(rng):
    some = [p for p in PARAMS if rng.random() < 0.5]
    return [[], ["head.weight", "head.bias"], some]


def case(rng):
    """The backbone file's weights with a fresh head of k classes (bytes and arrays), images and labels."""
    k = int(rng.integers(2, 10))
    state = torch.load(BACKBONE, map_location="cpu", weights_only=True)
    bound = 1 / np.sqrt(64)
    state["head.weight"] = torch.tensor(rng.uniform(-bound, bound, (k, 64)).astype(np.float32))
    state["head.bias"] = torch.tensor(rng.uniform(-bound, bound, k).astype(np.float32))
    buf = io.BytesIO()
    torch.save(state, buf)
    n = int(rng.integers(4, 9))
    x = rng.uniform(0, 1, size=(n, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, k, size=n).astype(np.int64)
    return buf.getvalue(), {name: v.numpy() for name, v in state.items()}, k, x, y


def expected_after_step(start, k, x, y):
    """The step on a correctly frozen model: backbone fixed, batch norm in eval mode, only the head moves."""
    model = digitnet(k)
    model.load_state_dict(torch.load(io.BytesIO(start), map_location="cpu", weights_only=True))
    for name, p in model.named_parameters():
        p.requires_grad_(name.startswith("head."))
    model.eval()
    sgd_step(model, x, y, LR)
    return {name: v.detach().numpy() for name, v in model.state_dict().items()}


def state_of(got, initial):
    state = got.get("state") if type(got) is dict else None
    expect(type(state) is dict and set(state) == set(initial)
           and all(type(state[n]) is np.ndarray and state[n].shape == initial[n].shape for n in initial),
           "after freeze_backbone the model no longer has DigitNet's parameters and buffers: change it in place")
    return state


def only_the_head_moves(state, initial, what):
    moved = sorted(n for n in PARAMS if n.startswith("features.") and not np.array_equal(state[n], initial[n]))
    expect(not moved, f"after freeze_backbone on {what}, a training step still changed backbone parameters "
                      f"(e.g. {moved[:2]}): everything outside model.head must stop requiring grad")
    still = [n for n in ("head.weight", "head.bias") if np.array_equal(state[n], initial[n])]
    expect(not still, f"after freeze_backbone on {what}, a training step left the head unchanged: the head's "
                      "parameters must require grad")


@graded("freeze_backbone", points=2)
def test_freeze_backbone_leaves_only_the_head_trainable(sub, rng):
    for prefrozen in prefrozen_sets(rng):
        start, initial, k, x, y = case(rng)
        got = sub.run(probe_freeze, start, k, prefrozen, x, y, LR)
        what = "a fully trainable model" if not prefrozen else "a model with some parameters already frozen"
        only_the_head_moves(state_of(got, initial), initial, what)
        expect(got["returned_none"], "freeze_backbone should change the model in place and return None")


@graded("freeze_backbone", points=1)
def test_freeze_backbone_freezes_batchnorm_statistics(sub, rng):
    start, initial, k, x, y = case(rng)
    got = sub.run(probe_freeze, start, k, [], x, y, LR)
    state = state_of(got, initial)
    only_the_head_moves(state, initial, "a fully trainable model")
    in_training = sorted(n for n, training in got["bn_training"].items() if training) \
        if type(got.get("bn_training")) is dict else []
    drift = [n for n in BUFFERS if not np.array_equal(state[n], initial[n])]
    expect(not drift, f"after freeze_backbone a forward pass still changed batch norm's running statistics "
                      f"(the BatchNorm layers {in_training[:3]} are in training mode): put them in eval mode")
    want = expected_after_step(start, k, x, y)
    for name in ("head.weight", "head.bias"):
        close(state[name], want[name], "after freeze_backbone the backbone does not compute what the pre-trained "
              "network computes (its batch norm must use the stored statistics: eval mode)", rtol=1e-4, atol=1e-5)
