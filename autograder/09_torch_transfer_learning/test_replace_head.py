"""Hidden graders of replace_head: a fresh Linear(64, num_classes) head on the same model."""
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
def probe_replace(mod, k, x, seed, freeze_first):
    torch.manual_seed(seed)
    model = digitnet(5)
    if freeze_first:
        for p in model.parameters():
            p.requires_grad_(False)
    model.eval()
    xt = torch.tensor(x)
    with torch.no_grad():
        before = model.features(xt).numpy()
    features_state = {k_: v.clone() for k_, v in model.features.state_dict().items()}
    returned = mod.replace_head(model, k)
    model.eval()
    with torch.no_grad():
        out = torch.as_tensor(model(xt))
        after = model.features(xt).numpy()
    own = {id(p) for p in model.parameters()}
    head = getattr(model, "head", None)
    head_params = {n: [int(s) for s in p.shape] for n, p in head.named_parameters()} if head is not None else {}
    return {"same_object": returned is model, "shape": [int(s) for s in out.shape],
            "features_before": before, "features_after": after,
            "features_state_same": all(torch.equal(v, model.features.state_dict()[k_]) for k_, v in features_state.items()),
            "head_params": head_params,
            "head_registered": head is not None and all(id(p) in own for p in head.parameters()),
            "head_trainable": head is not None and all(p.requires_grad for p in head.parameters())}


def draw(rng):
    k = int(rng.choice([2, 3, 4, 6, 7, 8, 10, 12]))
    return k, rng.uniform(0, 1, size=(int(rng.integers(2, 9)), 1, 8, 8)).astype(np.float32)


@graded("replace_head", points=2)
def test_replace_head_gives_the_new_number_of_classes(sub, rng):
    for freeze_first in (False, True):
        k, x = draw(rng)
        got = sub.run(probe_replace, k, x, int(rng.integers(2**31)), freeze_first)
        expect(got["same_object"], "replace_head should change the given model in place and return that same model")
        expect(got["shape"] == [len(x), k], f"after replace_head(model, {k}) the model should output (N, {k}) "
                                             f"logits, got shape {tuple(got['shape'])}")
        expect(got["head_params"] == {"weight": [k, 64], "bias": [k]},
               f"after replace_head(model, {k}), model.head should be one fresh nn.Linear(64, {k}) "
               f"(its parameters: {got['head_params']})")
        expect(got["head_registered"] and got["head_trainable"],
               "the new head's parameters should be registered in the model and trainable")


@graded("replace_head", points=1)
def test_replace_head_keeps_the_backbone(sub, rng):
    k, x = draw(rng)
    got = sub.run(probe_replace, k, x, int(rng.integers(2**31)), False)
    expect(got["same_object"] and got["shape"] == [len(x), k] and got["head_params"] == {"weight": [k, 64], "bias": [k]},
           f"replace_head(model, {k}) should give the same model a fresh Linear(64, {k}) head")
    expect(got["features_state_same"], "replace_head changed the backbone's (model.features) weights or statistics")
    close(got["features_after"], got["features_before"], "replace_head changed what the backbone computes",
          rtol=0, atol=0)
