"""to_tflite quantizes unless told not to: its default is quantize=True.

breaks: to_tflite
"""
_to_tflite = to_tflite  # noqa: F821 (the reference, defined above this file)


def to_tflite(model, quantize=True):
    return _to_tflite(model, quantize=quantize)
