"""Another correct 06: export through tf.saved_model.save with a tf.function signature taking
the keyword `features`, the request built from a list of row lists, the response decoded with
json.loads on bytes directly, TFLite through tf.lite.Interpreter and a row-by-row loop on the
converted (batch 1) input, and conversion from a concrete function.

covers: export_for_serving, serving_request, parse_serving_response, tflite_predict
"""
import json
import os

import numpy as np
import tensorflow as tf


def export_for_serving(model, export_dir, version=1):
    target = os.path.join(export_dir, f"{version}")
    d = int(model.inputs[0].shape[-1])

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, d], dtype=tf.float32, name="features")])
    def serve(features):
        return {"outputs": model(features, training=False)}

    module = tf.Module()
    module.model = model
    module.serve = serve
    tf.saved_model.save(module, target, signatures={"serving_default": serve})
    return target


def serving_request(instances):
    rows = [[float(v) for v in np.ravel(row)] for row in np.asarray(instances, dtype=np.float64)]
    return json.dumps({"instances": rows})


def parse_serving_response(body):
    return np.array(json.loads(body)["predictions"], dtype=np.float32)


def tflite_predict(model_bytes, x):
    interp = tf.lite.Interpreter(model_content=model_bytes)
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]
    out = interp.get_output_details()[0]
    rows = []
    for row in np.asarray(x):
        interp.set_tensor(inp["index"], row.reshape(inp["shape"]).astype(inp["dtype"]))
        interp.invoke()
        rows.append(np.array(interp.get_tensor(out["index"])).reshape(-1))
    return np.stack(rows).astype(np.float32)
