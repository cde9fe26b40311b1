"""param_groups gives the head the backbone's rate and the backbone the head's.

breaks: param_groups
"""


def param_groups(model, backbone_lr, head_lr):
    ids = {id(p) for p in model.head.parameters()}
    head = [p for p in model.head.parameters() if p.requires_grad]
    backbone = [p for p in model.parameters() if p.requires_grad and id(p) not in ids]
    groups = []
    if backbone:
        groups.append({"params": backbone, "lr": head_lr})
    if head:
        groups.append({"params": head, "lr": backbone_lr})
    return groups
