"""classification_report takes F1 as the arithmetic mean of precision and recall (not the harmonic mean).

breaks: classification_report
"""
import numpy as np


def classification_report(y_true, y_pred):
    t, p = np.asarray(y_true).astype(bool), np.asarray(y_pred).astype(bool)
    tp, fp, fn = np.sum(t & p), np.sum(~t & p), np.sum(t & ~p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"accuracy": float(np.mean(t == p)), "precision": float(precision), "recall": float(recall),
            "f1": float((precision + recall) / 2)}
