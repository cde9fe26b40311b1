"""warmup_cosine runs the cosine over epoch / total, as if warm-up took no time.

breaks: warmup_cosine
"""
import math


def warmup_cosine(epoch, lr, warmup, total, base_lr):
    if epoch < warmup:
        return float(base_lr * epoch / warmup)
    progress = min(epoch, total) / total
    return float(base_lr * 0.5 * (1.0 + math.cos(math.pi * progress)))
