"""classification_report divides without a guard: nan where precision or recall is undefined.

breaks: classification_report
"""
import numpy as np


def classification_report(y_true, y_pred):
    t, p = np.asarray(y_true).astype(bool), np.asarray(y_pred).astype(bool)
    tp, fp, fn = np.float64(np.sum(t & p)), np.float64(np.sum(~t & p)), np.float64(np.sum(t & ~p))
    with np.errstate(all="ignore"):
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        f1 = 2 * precision * recall / (precision + recall)
    return {"accuracy": float(np.mean(t == p)), "precision": float(precision), "recall": float(recall), "f1": float(f1)}
