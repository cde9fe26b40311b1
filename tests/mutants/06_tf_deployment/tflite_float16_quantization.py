"""Quantizes to float16 instead of dynamic range (int8 weights): only half the size.

breaks: to_tflite
"""


def to_tflite(model, quantize=False):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if quantize:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    with quiet():
        return converter.convert()
