"""param_groups puts detached copies of the parameters in the groups: the optimizer would update copies.

breaks: param_groups
"""


def param_groups(model, backbone_lr, head_lr):
    head = [p.detach().clone().requires_grad_() for n, p in model.named_parameters() if n.startswith("head.") and p.requires_grad]
    backbone = [p.detach().clone().requires_grad_() for n, p in model.named_parameters()
                if not n.startswith("head.") and p.requires_grad]
    return [g for g in ({"params": backbone, "lr": backbone_lr}, {"params": head, "lr": head_lr}) if g["params"]]
