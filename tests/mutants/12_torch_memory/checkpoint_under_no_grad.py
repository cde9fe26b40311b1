"""checkpointed_forward "saves memory" by running the first blocks under torch.no_grad(): no gradients flow through them.

breaks: checkpointed_forward
"""
import torch


def checkpointed_forward(blocks, x, segments):
    with torch.no_grad():
        h = blocks[:-1](x)
    return blocks[-1](h)
