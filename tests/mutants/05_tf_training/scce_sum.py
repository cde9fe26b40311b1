"""sparse_categorical_crossentropy_from_logits sums over the batch instead of averaging.

breaks: sparse_categorical_crossentropy_from_logits
"""
import numpy as np


def sparse_categorical_crossentropy_from_logits(y_true, logits):
    z = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(y_true).astype(np.int64)
    z = z - z.max(axis=-1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return float(-np.sum(log_probs[np.arange(len(labels)), labels]))
