"""Another correct 06: to_tflite converting from a SavedModel the model exports to a temporary
folder, tflite_predict with ai_edge_litert's interpreter resized with resize_tensor_input(strict
False), and a request/response pair that goes through tolist() and np.asarray.

covers: to_tflite, tflite_predict, serving_request, parse_serving_response
"""
import contextlib
import io
import json
import tempfile

import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter


def to_tflite(model, quantize=False):
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
        model.export(tmp, format="tf_saved_model", verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(tmp)
        if quantize:
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        return bytes(converter.convert())


def tflite_predict(model_bytes, x):
    it = Interpreter(model_content=model_bytes)
    detail = it.get_input_details()[0]
    batch = np.asarray(x).astype(detail["dtype"])
    it.resize_tensor_input(detail["index"], batch.shape, strict=False)
    it.allocate_tensors()
    it.set_tensor(detail["index"], batch)
    it.invoke()
    return it.get_tensor(it.get_output_details()[0]["index"]).astype(np.float32)


def serving_request(instances):
    return json.dumps(dict(instances=np.asarray(instances).tolist()))


def parse_serving_response(body):
    text = body.decode() if isinstance(body, bytes) else str(body)
    return np.asarray(json.loads(text)["predictions"]).astype(np.float32)
