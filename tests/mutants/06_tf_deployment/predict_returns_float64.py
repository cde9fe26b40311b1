"""Returns the outputs converted to float64 instead of the model's float32.

breaks: tflite_predict
"""


def tflite_predict(model_bytes, x):
    interpreter = Interpreter(model_content=model_bytes)
    (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
    x = np.asarray(x, dtype=inp["dtype"])
    interpreter.resize_tensor_input(inp["index"], list(x.shape))
    interpreter.allocate_tensors()
    interpreter.set_tensor(inp["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(out["index"]).astype(np.float64)
