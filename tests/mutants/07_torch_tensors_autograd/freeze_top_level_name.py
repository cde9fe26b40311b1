"""freeze compares only the first part of the name (name.split(".")[0] in prefixes), missing partial and dotted prefixes.

breaks: freeze
"""


def freeze(module, prefixes):
    for name, param in module.named_parameters():
        if name.split(".")[0] in prefixes:
            param.requires_grad_(False)
