"""classification_report swaps precision and recall (tp / (tp + fn) called precision).

breaks: classification_report
"""
import numpy as np


def classification_report(y_true, y_pred):
    t, p = np.asarray(y_true).astype(bool), np.asarray(y_pred).astype(bool)
    tp, fp, fn = np.sum(t & p), np.sum(~t & p), np.sum(t & ~p)
    precision = tp / (tp + fn) if tp + fn else 0.0
    recall = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {"accuracy": float(np.mean(t == p)), "precision": float(precision), "recall": float(recall), "f1": float(f1)}
