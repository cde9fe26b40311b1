"""warmup_cosine computes with TensorFlow ops and returns a tensor, which LearningRateScheduler refuses.

breaks: warmup_cosine
"""
import math

import tensorflow as tf


def warmup_cosine(epoch, lr, warmup, total, base_lr):
    epoch = tf.constant(float(epoch))
    if float(epoch) < warmup:
        return base_lr * epoch / warmup
    progress = tf.minimum(epoch - warmup, float(total - warmup)) / (total - warmup)
    return base_lr * 0.5 * (1.0 + tf.cos(math.pi * progress))
