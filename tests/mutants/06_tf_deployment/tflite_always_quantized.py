"""Sets the optimizations whatever quantize says: the float model is not exact any more.

breaks: to_tflite
"""


def to_tflite(model, quantize=False):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    with quiet():
        return converter.convert()
