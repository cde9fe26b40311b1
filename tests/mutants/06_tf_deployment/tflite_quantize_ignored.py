"""The quantize flag is ignored: the "quantized" model is the float one.

breaks: to_tflite
"""


def to_tflite(model, quantize=False):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    with quiet():
        return converter.convert()
