"""Hidden graders of param_groups: only trainable parameters, head and backbone at their own rates."""
from dlcourse.grading import expect, graded, probe


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
def probe_groups(mod, seed, trainable, backbone_lr, head_lr):
    torch.manual_seed(seed)
    model = digitnet(int(torch.randint(2, 10, ()).item()))
    for name, p in model.named_parameters():
        p.requires_grad_(any(name.startswith(prefix) for prefix in trainable))
    names = {id(p): name for name, p in model.named_parameters()}
    groups = mod.param_groups(model, backbone_lr, head_lr)
    out = {"kind": type(groups).__name__, "groups": None}
    if not isinstance(groups, (list, tuple)) or not all(isinstance(g, dict) for g in groups):
        return out
    described = []
    for g in groups:
        params = list(g.get("params", []))
        if torch.is_tensor(g.get("params")):
            params = [g["params"]]
        described.append({"names": [names.get(id(p), "<not a parameter of the model>") for p in params],
                          "lr": float(g["lr"]) if isinstance(g.get("lr"), (int, float)) else None})
        g["params"] = params
    out["groups"] = described
    try:
        torch.optim.Adam(groups)
        out["optimizer"] = None
    except Exception as exc:
        out["optimizer"] = f"{type(exc).__name__}: {exc}"[:200]
    return out


ALL = ["features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias", "features.3.weight",
       "features.3.bias", "features.4.weight", "features.4.bias", "features.7.weight", "features.7.bias",
       "features.8.weight", "features.8.bias", "head.weight", "head.bias"]


def check(sub, rng, trainable, what):
    backbone_lr, head_lr = float(10 ** rng.uniform(-5, -3.5)), float(10 ** rng.uniform(-3, -1.5))
    got = sub.run(probe_groups, int(rng.integers(2**31)), trainable, backbone_lr, head_lr)
    expect(got["groups"] is not None, f"param_groups should return a list of dicts, got a {got['kind']}")
    groups = got["groups"]
    expect(all(g["names"] for g in groups), f"param_groups returned an empty group ({what}): leave empty groups out")
    listed = [n for g in groups for n in g["names"]]
    expect("<not a parameter of the model>" not in listed,
           "a group holds tensors that are not the model's own parameters (pass the Parameter objects themselves)")
    expect(len(listed) == len(set(listed)), f"a parameter appears more than once in the groups ({what})")
    want = [n for n in ALL if any(n.startswith(prefix) for prefix in trainable)]
    frozen = sorted(set(listed) - set(want))
    expect(not frozen, f"the groups hold frozen parameters ({what}), e.g. {frozen[:2]}: list only parameters that "
                       "require grad")
    missing = sorted(set(want) - set(listed))
    expect(not missing, f"trainable parameters are missing from the groups ({what}), e.g. {missing[:2]}")
    for g in groups:
        for n in g["names"]:
            rate = head_lr if n.startswith("head.") else backbone_lr
            expect(g["lr"] is not None and abs(g["lr"] - rate) <= 1e-9 * rate,
                   f"{'head' if n.startswith('head.') else 'backbone'} parameters should be in a group with "
                   f"\"lr\" = {'head_lr' if n.startswith('head.') else 'backbone_lr'} ({what})")
    expect(got["optimizer"] is None, f"torch.optim.Adam could not use the groups: {got['optimizer']}")


@graded("param_groups", points=1)
def test_param_groups_for_a_fully_trainable_model(sub, rng):
    check(sub, rng, ["features.", "head."], "every parameter trainable")


@graded("param_groups", points=2)
def test_param_groups_with_a_frozen_backbone(sub, rng):
    check(sub, rng, ["head."], "backbone frozen, only the head trainable")


@graded("param_groups", points=1)
def test_param_groups_with_partial_unfreezing(sub, rng):
    last = str(rng.choice(["features.7.", "features.8.", "features.7.weight"]))
    check(sub, rng, [last, "features.8.bias", "head."], "only the head and part of the last block trainable")
