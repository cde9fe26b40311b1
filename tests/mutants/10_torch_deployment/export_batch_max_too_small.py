"""export_with_dynamic_batch declares the batch dynamic but caps it at 16: a batch of 64 is refused.

breaks: export_with_dynamic_batch
"""
import torch


def export_with_dynamic_batch(model, example):
    batch = torch.export.Dim("batch", max=16)
    return torch.export.export(model, (example,), dynamic_shapes=({0: batch},))
