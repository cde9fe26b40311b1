"""onnx_predict feeds the input under a guessed name ("input") instead of the file's own.

breaks: onnx_predict
"""
import numpy as np
import onnxruntime as ort


def onnx_predict(path, x):
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return session.run(None, {"input": np.asarray(x, dtype=np.float32)})[0]
