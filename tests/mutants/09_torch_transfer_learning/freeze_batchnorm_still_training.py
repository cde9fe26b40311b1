"""freeze_backbone turns requires_grad off but leaves batch norm in training mode: its statistics drift.

breaks: freeze_backbone
"""


def freeze_backbone(model):
    for name, p in model.named_parameters():
        p.requires_grad_(name.startswith("head."))
