"""export_with_dynamic_batch returns program.module() (a GraphModule), not the ExportedProgram.

breaks: export_with_dynamic_batch
"""
import torch


def export_with_dynamic_batch(model, example):
    batch = torch.export.Dim("batch")
    return torch.export.export(model, (example,), dynamic_shapes=({0: batch},)).module()
