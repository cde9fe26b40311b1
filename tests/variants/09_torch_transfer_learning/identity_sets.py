"""Another correct 09: freeze_backbone through requires_grad_ on model.features and head,
param_groups by identity sets from the head module, replace_head via a copy of the module
dictionary, and fine_tune in the order head group first.

covers: replace_head, freeze_backbone, param_groups, fine_tune
"""
import torch
from torch import nn


def replace_head(model, num_classes):
    old = model._modules["head"]
    model._modules["head"] = nn.Linear(old.in_features, int(num_classes))
    return model


def freeze_backbone(model):
    model.requires_grad_(False)
    model.head.requires_grad_(True)
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.eval()


def param_groups(model, backbone_lr, head_lr):
    head = set(model.head.parameters())
    groups = []
    head_params = [p for p in model.head.parameters() if p.requires_grad]
    if head_params:
        groups.append(dict(params=head_params, lr=head_lr))
    body = [p for p in model.parameters() if p.requires_grad and p not in head]
    if body:
        groups.append(dict(params=body, lr=backbone_lr))
    return groups


def fine_tune(model, loader, epochs, lr):
    optimizer = torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=lr)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm) and not any(p.requires_grad for p in m.parameters()):
                m.eval()
        for x, y in loader:
            optimizer.zero_grad()
            criterion(model(x), y).backward()
            optimizer.step()
    model.eval()
    return model
