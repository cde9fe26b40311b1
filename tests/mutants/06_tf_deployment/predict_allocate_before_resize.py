"""Allocates, then resizes the input: the resized tensors are unallocated again.

breaks: tflite_predict
"""


def tflite_predict(model_bytes, x):
    interpreter = Interpreter(model_content=model_bytes)
    interpreter.allocate_tensors()
    (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
    x = np.asarray(x, dtype=inp["dtype"])
    interpreter.resize_tensor_input(inp["index"], list(x.shape))
    interpreter.set_tensor(inp["index"], x)
    interpreter.invoke()
    return np.asarray(interpreter.get_tensor(out["index"]), dtype=np.float32)
