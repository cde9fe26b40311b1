"""export_onnx declares no dynamic axis: the ONNX input's batch size is fixed to the example's.

breaks: export_onnx
"""
import warnings

import torch


def export_onnx(model, example, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (example,), path, dynamo=False, input_names=["input"], output_names=["output"])
