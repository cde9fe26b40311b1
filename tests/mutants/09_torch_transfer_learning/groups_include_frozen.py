"""param_groups puts every parameter in the groups, frozen ones included.

breaks: param_groups
"""


def param_groups(model, backbone_lr, head_lr):
    head = list(model.head.parameters())
    ids = {id(p) for p in head}
    return [{"params": [p for p in model.parameters() if id(p) not in ids], "lr": backbone_lr},
            {"params": head, "lr": head_lr}]
