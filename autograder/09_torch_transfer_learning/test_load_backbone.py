"""Hidden graders of load_backbone: DigitNet(5) with the saved weights, loaded strictly, tensors only."""
import copy
import io
from pathlib import Path

import numpy as np
import torch

from dlcourse.grading import close, expect, graded, probe

ROOT = Path(__file__).resolve().parents[2]
BACKBONE = ROOT / "source" / "09_torch_transfer_learning" / "digit_backbone.pt"


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


@probe
def probe_load(mod, data, x):
    with open("backbone.pt", "wb") as fh:
        fh.write(data)
    model = mod.load_backbone("backbone.pt")
    out = {"is_module": isinstance(model, torch.nn.Module)}
    if out["is_module"]:
        model.eval()
        with torch.no_grad():
            out["logits"] = torch.as_tensor(model(torch.tensor(x))).double().numpy()
    return out


@probe
def probe_load_raises(mod, good, bad, x):
    # A matching file must load (its outputs are checked); the mismatched one must raise.
    with open("good.pt", "wb") as fh:
        fh.write(good)
    with open("mismatch.pt", "wb") as fh:
        fh.write(bad)
    model = mod.load_backbone("good.pt")
    out = {"good_loaded": isinstance(model, torch.nn.Module), "raised": None, "logits": None}
    if out["good_loaded"]:
        model.eval()
        with torch.no_grad():
            out["logits"] = torch.as_tensor(model(torch.tensor(x))).double().numpy()
    try:
        mod.load_backbone("mismatch.pt")
    except Exception as exc:
        out["raised"] = type(exc).__name__
    return out


class _CallsOnLoad:
    """Pickles as a call of copy.deepcopy on a state_dict: a checkpoint that runs a Python function when
    unpickled. torch.load(..., weights_only=True) refuses it; a full unpickle returns a valid state_dict."""

    def __init__(self, state):
        self.state = state

    def __reduce__(self):
        return copy.deepcopy, (self.state,)


def saved_state():
    return torch.load(BACKBONE, map_location="cpu", weights_only=True)


def to_bytes(state):
    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue()


def logits(state, x):
    model = digitnet(5)
    model.load_state_dict(state)
    model.eval()
    with torch.no_grad():
        return model(torch.tensor(x)).double().numpy()


def random_state(rng):
    """Weights of DigitNet's shapes, drawn fresh: a different "pre-trained" file."""
    state = {}
    for name, value in saved_state().items():
        if value.dtype == torch.int64:
            state[name] = torch.tensor(int(rng.integers(1, 500)))
        elif name.endswith("running_var"):
            state[name] = torch.tensor(rng.uniform(0.5, 2.0, tuple(value.shape)).astype(np.float32))
        else:
            state[name] = torch.tensor((rng.standard_normal(tuple(value.shape)) * 0.3).astype(np.float32))
    return state


def images(rng, n):
    return rng.uniform(0, 1, size=(n, 1, 8, 8)).astype(np.float32)


@graded("load_backbone", points=2)
def test_load_backbone_gives_the_saved_network(sub, rng):
    for state in (saved_state(), random_state(rng)):
        x = images(rng, int(rng.integers(3, 12)))
        got = sub.run(probe_load, to_bytes(state), x)
        expect(got["is_module"], "load_backbone should return an nn.Module (a DigitNet)")
        close(got["logits"], logits(state, x), "the loaded network's outputs (in eval mode) differ from DigitNet(5) "
              "with the file's weights: load the state_dict from the given path into DigitNet(5)",
              rtol=1e-4, atol=1e-5)


@graded("load_backbone", points=2)
def test_load_backbone_refuses_mismatched_files(sub, rng):
    state = saved_state()
    extra = dict(state)
    extra[str(rng.choice(["head.scale", "features.11.weight", "classifier.bias"]))] = torch.ones(3)
    missing = dict(state)
    del missing[str(rng.choice([k for k in state if "running" in k or k.startswith("head")]))]
    strict = "load strictly (load_state_dict(..., strict=True)) so that a mismatch raises"
    cases = [(f"load_backbone accepted a state_dict with an unexpected extra key: {strict}", extra),
             (f"load_backbone accepted a state_dict with a missing key: {strict}", missing),
             ("load_backbone ran a Python function stored in the checkpoint while loading it: unpickle tensors "
              "only (torch.load with weights_only=True)", _CallsOnLoad(state))]
    for message, bad in cases:
        x = images(rng, int(rng.integers(3, 9)))
        got = sub.run(probe_load_raises, to_bytes(state), to_bytes(bad), x)
        expect(got["good_loaded"], "load_backbone should return an nn.Module (a DigitNet) for a matching file")
        close(got["logits"], logits(state, x), "for a matching file, load_backbone's network (in eval mode) differs "
              "from DigitNet(5) with the file's weights", rtol=1e-4, atol=1e-5)
        expect(got["raised"] is not None, message)
