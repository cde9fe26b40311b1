"""Visible checks of 09_torch_transfer_learning: small fixed examples, run in your kernel.

The hidden graders test more behaviours, with fresh random inputs.
"""
import os
import tempfile
from pathlib import Path

import torch
from torch import nn

from dlcourse.visible import Checks

checks = Checks()
BACKBONE = Path(__file__).resolve().parent / "digit_backbone.pt"


class _DigitNet(nn.Module):
    """The notebook's DigitNet (the given architecture)."""

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


def _digitnet():
    return _DigitNet(5)


@checks.of("load_backbone")
def _(load_backbone):
    model = load_backbone(str(BACKBONE))
    checks.expect(isinstance(model, nn.Module), "load_backbone should return an nn.Module")
    state = torch.load(BACKBONE, map_location="cpu", weights_only=True)
    got = model.state_dict()
    checks.expect(all(torch.equal(got[k], v) for k, v in state.items()),
                  "the returned model's state_dict differs from the file's")
    state["head.extra"] = torch.zeros(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "extra.pt")
        torch.save(state, path)
        try:
            load_backbone(path)
            raised = False
        except Exception:
            raised = True
    checks.expect(raised, "a file with an unexpected extra key 'head.extra' loaded without error: load strictly")


@checks.of("replace_head")
def _(replace_head):
    torch.manual_seed(0)
    model = _digitnet()
    out = replace_head(model, 3)
    checks.expect(out is model, "replace_head should return the same model object")
    checks.expect(tuple(model(torch.rand(2, 1, 8, 8)).shape) == (2, 3), "with 3 classes the output should be (2, 3)")
    checks.expect(isinstance(model.head, nn.Linear) and model.head.in_features == 64, "the new head is Linear(64, 3)")


@checks.of("freeze_backbone")
def _(freeze_backbone):
    model = _digitnet()
    model.head.weight.requires_grad_(False)
    model.train()
    checks.expect(freeze_backbone(model) is None, "freeze_backbone should return None")
    flags = {n: p.requires_grad for n, p in model.named_parameters()}
    checks.expect(not any(v for n, v in flags.items() if n.startswith("features.")), "backbone parameters must be frozen")
    checks.expect(all(v for n, v in flags.items() if n.startswith("head.")), "head parameters must be trainable")
    bn = [m.training for m in model.features.modules() if isinstance(m, nn.BatchNorm2d)]
    checks.expect(bn == [False, False, False], f"the backbone's BatchNorm layers should be in eval mode, training={bn}")


@checks.of("param_groups")
def _(param_groups):
    model = _digitnet()
    groups = param_groups(model, 1e-4, 1e-2)
    checks.expect(isinstance(groups, list) and len(groups) == 2, "a fully trainable model gives two groups")
    by_lr = {g["lr"]: list(g["params"]) for g in groups}
    checks.expect(set(by_lr) == {1e-4, 1e-2}, f"the rates should be 1e-4 (backbone) and 1e-2 (head), got {sorted(by_lr)}")
    head = by_lr.get(1e-2, [])
    checks.expect(len(head) == 2 and any(p is model.head.weight for p in head),
                  "the head group should hold model.head's weight and bias")
    for p in model.features.parameters():
        p.requires_grad_(False)
    groups = param_groups(model, 1e-4, 1e-2)
    checks.expect(len(groups) == 1 and groups[0]["lr"] == 1e-2,
                  "with a frozen backbone only the head group remains (empty groups are left out)")


@checks.of("fine_tune")
def _(fine_tune):
    torch.manual_seed(0)
    model = _digitnet()
    model.head = nn.Linear(64, 2)
    for p in model.features.parameters():
        p.requires_grad_(False)
    for m in model.features.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eval()
    before = {k: v.clone() for k, v in model.features.state_dict().items()}
    x = torch.rand(32, 1, 8, 8)
    y = (x.mean(dim=(1, 2, 3)) > 0.5).long()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8)
    head_before = model.head.weight.detach().clone()
    out = fine_tune(model, loader, 2, 1e-2)
    checks.expect(out is model, "fine_tune should return the same model")
    checks.expect(not model.training, "fine_tune should return the model in eval mode")
    checks.expect(not torch.equal(head_before, model.head.weight), "the head should have been trained")
    changed = [k for k, v in model.features.state_dict().items() if not torch.equal(v, before[k])]
    checks.expect(not changed, f"a frozen backbone changed during fine_tune: {changed[:3]} "
                               "(keep frozen BatchNorm layers in eval mode after model.train())")


check = checks.check
needs = checks.needs
