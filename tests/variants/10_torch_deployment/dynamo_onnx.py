"""Another correct 10: the dynamo ONNX exporter with dynamic_shapes (a .data file beside the
model is allowed), torch.export with Dim.DYNAMIC, save_and_load through a file object,
onnx_predict with ort.SessionOptions and a float32 np.array copy.

covers: to_torchscript, save_and_load, export_with_dynamic_batch, export_onnx, onnx_predict
"""
import warnings

import numpy as np
import onnxruntime as ort
import torch


def to_torchscript(model):
    scripted = torch.jit.script(model)
    return scripted


def save_and_load(module, path):
    with open(path, "wb") as fh:
        torch.jit.save(module, fh)
    with open(path, "rb") as fh:
        return torch.jit.load(fh)


def export_with_dynamic_batch(model, example):
    return torch.export.export(model, args=(example,), dynamic_shapes=[{0: torch.export.Dim.DYNAMIC}])


def export_onnx(model, example, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (example,), path, dynamo=True, verbose=False,
                          dynamic_shapes=({0: torch.export.Dim("batch", min=1, max=4096)},))


def onnx_predict(path, x):
    options = ort.SessionOptions()
    session = ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: np.array(x, dtype=np.float32, copy=True)}
    outputs = session.run([session.get_outputs()[0].name], feed)
    return outputs[0]
