"""export_with_dynamic_batch exports without dynamic_shapes: the batch size is frozen to the example's.

breaks: export_with_dynamic_batch
"""
import torch


def export_with_dynamic_batch(model, example):
    return torch.export.export(model, (example,))
