"""sparse_categorical_crossentropy_from_logits takes log(softmax) without subtracting the maximum:
exp overflows for large logits.

breaks: sparse_categorical_crossentropy_from_logits
"""
import numpy as np


def sparse_categorical_crossentropy_from_logits(y_true, logits):
    z = np.asarray(logits, dtype=np.float32)
    labels = np.asarray(y_true).astype(np.int64)
    with np.errstate(all="ignore"):
        p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
        return float(-np.mean(np.log(p[np.arange(len(labels)), labels])))
