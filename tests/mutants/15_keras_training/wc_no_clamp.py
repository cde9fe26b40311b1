"""warmup_cosine does not clamp the progress: after `total` the cosine rises again.

breaks: warmup_cosine
"""
import math


def warmup_cosine(epoch, lr, warmup, total, base_lr):
    if epoch < warmup:
        return float(base_lr * epoch / warmup)
    progress = (epoch - warmup) / (total - warmup)
    return float(base_lr * 0.5 * (1.0 + math.cos(math.pi * progress)))
