"""Another correct 10: torch.export with a bounded named Dim, the legacy ONNX exporter with
its own input/output names and dynamic_axes given as lists, onnx_predict converting through
torch tensors, and compile_model with the backend passed by keyword and dynamic=True.

covers: export_with_dynamic_batch, export_onnx, onnx_predict, compile_model, save_and_load
"""
import os
import warnings

import numpy as np
import onnxruntime as ort
import torch


def export_with_dynamic_batch(model, example):
    n = torch.export.Dim("n", min=1, max=1024)
    return torch.export.export(model, (example,), dynamic_shapes=({0: n},))


def export_onnx(model, example, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, example, path, dynamo=False, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": [0], "y": [0]})


def onnx_predict(path, x):
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().to(torch.float32).numpy()
    sess = ort.InferenceSession(os.fspath(path), providers=["CPUExecutionProvider"])
    (first, *_) = sess.run(None, {sess.get_inputs()[0].name: np.asarray(x).astype(np.float32)})
    return first


def compile_model(model, backend="inductor"):
    return torch.compile(model=model, backend=backend, dynamic=True, fullgraph=False)


def save_and_load(module, path):
    module.save(str(path))
    return torch.jit.load(str(path), map_location="cpu")
