"""onnx_predict passes x as it comes: a float64 array is rejected by a float32 model.

breaks: onnx_predict
"""
import numpy as np
import onnxruntime as ort


def onnx_predict(path, x):
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: np.asarray(x)})[0]
