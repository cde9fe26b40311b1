"""warmup_cosine multiplies the current lr instead of using base_lr after warm-up (compounding decay).

breaks: warmup_cosine
"""
import math


def warmup_cosine(epoch, lr, warmup, total, base_lr):
    if epoch < warmup:
        return float(base_lr * epoch / warmup)
    if epoch == warmup:
        return float(base_lr)
    progress = min(epoch - warmup, total - warmup) / (total - warmup)
    return float(lr * 0.5 * (1.0 + math.cos(math.pi * progress)))
