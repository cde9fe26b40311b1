"""Keeps the converted input shape (batch 1): no resize and no loop, so batches of several
rows do not fit.

breaks: tflite_predict
"""


def tflite_predict(model_bytes, x):
    interpreter = Interpreter(model_content=model_bytes)
    interpreter.allocate_tensors()
    (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
    interpreter.set_tensor(inp["index"], np.asarray(x, dtype=inp["dtype"]))
    interpreter.invoke()
    return np.asarray(interpreter.get_tensor(out["index"]), dtype=np.float32)
