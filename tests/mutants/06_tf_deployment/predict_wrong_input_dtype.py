"""Feeds x in its own dtype (float64) to a float32 input: the interpreter refuses it.

breaks: tflite_predict
"""


def tflite_predict(model_bytes, x):
    interpreter = Interpreter(model_content=model_bytes)
    (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
    x = np.asarray(x)
    interpreter.resize_tensor_input(inp["index"], list(x.shape))
    interpreter.allocate_tensors()
    interpreter.set_tensor(inp["index"], x)
    interpreter.invoke()
    return np.asarray(interpreter.get_tensor(out["index"]), dtype=np.float32)
