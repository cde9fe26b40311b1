"""freeze tests `prefix in name` instead of name.startswith(prefix), freezing too much.

breaks: freeze
"""


def freeze(module, prefixes):
    for name, param in module.named_parameters():
        if any(prefix in name for prefix in prefixes):
            param.requires_grad_(False)
