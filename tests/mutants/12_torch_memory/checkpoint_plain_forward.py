"""checkpointed_forward runs the blocks plainly: right values, but nothing is checkpointed.

breaks: checkpointed_forward
"""


def checkpointed_forward(blocks, x, segments):
    return blocks(x)
