"""Hidden graders of freeze_backbone: only the head trainable, batch norm outside it in eval mode."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


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


@probe(uses=[digitnet])
def probe_freeze(mod, seed, prefrozen, x):
    torch.manual_seed(seed)
    model = digitnet(int(torch.randint(2, 10, ()).item()))
    for name, p in model.named_parameters():
        if name in prefrozen:
            p.requires_grad_(False)
    model.train()
    returned = mod.freeze_backbone(model)
    bn = {name: bool(m.training) for name, m in model.named_modules() if isinstance(m, torch.nn.BatchNorm2d)}
    stats = {k: v.clone() for k, v in model.state_dict().items() if "running" in k or "num_batches" in k}
    model(torch.tensor(x))                        # a forward pass in whatever mode freeze_backbone left
    drift = [k for k, v in model.state_dict().items() if k in stats and not torch.equal(v, stats[k])]
    return {"returned_none": returned is None,
            "requires_grad": {name: bool(p.requires_grad) for name, p in model.named_parameters()},
            "bn_training": bn, "drift": drift}


PARAMS = ["features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias", "features.3.weight",
          "features.3.bias", "features.4.weight", "features.4.bias", "features.7.weight", "features.7.bias",
          "features.8.weight", "features.8.bias", "head.weight", "head.bias"]


def prefrozen_sets(rng):
    some = [p for p in PARAMS if rng.random() < 0.5]
    return [[], ["head.weight", "head.bias"], some]


def images(rng):
    return rng.uniform(0, 1, size=(int(rng.integers(2, 6)), 1, 8, 8)).astype(np.float32)


@graded("freeze_backbone", points=2)
def test_freeze_backbone_leaves_only_the_head_trainable(sub, rng):
    for prefrozen in prefrozen_sets(rng):
        got = sub.run(probe_freeze, int(rng.integers(2**31)), prefrozen, images(rng))
        what = "a fully trainable model" if not prefrozen else "a model with some parameters already frozen"
        trainable_backbone = sorted(n for n, rg in got["requires_grad"].items() if rg and not n.startswith("head."))
        frozen_head = sorted(n for n, rg in got["requires_grad"].items() if not rg and n.startswith("head."))
        expect(not trainable_backbone, f"after freeze_backbone on {what}, backbone parameters still require grad "
                                       f"(e.g. {trainable_backbone[:2]}); everything outside model.head must be frozen")
        expect(not frozen_head, f"after freeze_backbone on {what}, head parameters do not require grad: the head "
                                "must be trainable")
        expect(got["returned_none"], "freeze_backbone should change the model in place and return None")


@graded("freeze_backbone", points=1)
def test_freeze_backbone_freezes_batchnorm_statistics(sub, rng):
    got = sub.run(probe_freeze, int(rng.integers(2**31)), [], images(rng))
    in_training = sorted(n for n, training in got["bn_training"].items() if training)
    expect(not in_training, f"after freeze_backbone the backbone's BatchNorm layers {in_training} are still in "
                            "training mode, so their running statistics keep changing: put them in eval mode")
    expect(not got["drift"], "after freeze_backbone a forward pass still changed batch norm's running statistics")
