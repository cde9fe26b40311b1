"""Another correct 09: load_backbone through torch.load then load_state_dict's strict default
(checking the returned keys), replace_head building the layer from the old weight's shape,
freeze_backbone by parameter names and BatchNorm2d modules, param_groups by name prefix
"head.", and fine_tune with F.cross_entropy and the frozen batch norms listed once.

covers: load_backbone, replace_head, freeze_backbone, param_groups, fine_tune
"""
import torch
from torch import nn


def load_backbone(path):
    net = DigitNet(num_classes=5)
    with open(path, "rb") as fh:
        state = torch.load(fh, map_location=torch.device("cpu"))
    result = net.load_state_dict(state)
    assert not result.missing_keys and not result.unexpected_keys
    return net


def replace_head(model, num_classes):
    in_features = model.head.weight.shape[1]
    setattr(model, "head", nn.Linear(in_features, num_classes, bias=True))
    return model


def freeze_backbone(model):
    for name, p in model.named_parameters():
        p.requires_grad = name.startswith("head.")
    for name, m in model.named_modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)) and not name.startswith("head"):
            m.eval()


def param_groups(model, backbone_lr, head_lr):
    head, rest = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (head if name.startswith("head.") else rest).append(p)
    return [g for g in ({"params": rest, "lr": backbone_lr}, {"params": head, "lr": head_lr}) if g["params"]]


def fine_tune(model, loader, epochs, lr):
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr)
    frozen_bn = [m for m in model.modules()
                 if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.weight is not None
                 and not m.weight.requires_grad]
    for _ in range(epochs):
        model.train()
        for m in frozen_bn:
            m.train(False)
        for xb, yb in loader:
            opt.zero_grad(set_to_none=True)
            loss = nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
    return model.eval()
