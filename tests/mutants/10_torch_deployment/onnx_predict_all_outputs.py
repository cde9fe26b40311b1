"""onnx_predict returns session.run's whole list of outputs instead of the first output.

breaks: onnx_predict
"""
import numpy as np
import onnxruntime as ort


def onnx_predict(path, x):
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: np.asarray(x, dtype=np.float32)})
