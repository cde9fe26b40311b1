"""warmup_cosine counts warm-up epochs from 1: base_lr * (epoch + 1) / warmup.

breaks: warmup_cosine
"""
import math


def warmup_cosine(epoch, lr, warmup, total, base_lr):
    if epoch < warmup:
        return float(base_lr * (epoch + 1) / warmup)
    progress = min(epoch - warmup, total - warmup) / (total - warmup)
    return float(base_lr * 0.5 * (1.0 + math.cos(math.pi * progress)))
