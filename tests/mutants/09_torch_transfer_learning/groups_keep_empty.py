"""param_groups keeps a backbone group even when it is empty (a frozen backbone).

breaks: param_groups
"""


def param_groups(model, backbone_lr, head_lr):
    ids = {id(p) for p in model.head.parameters()}
    return [{"params": [p for p in model.parameters() if p.requires_grad and id(p) not in ids], "lr": backbone_lr},
            {"params": [p for p in model.head.parameters() if p.requires_grad], "lr": head_lr}]
