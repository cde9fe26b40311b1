"""Ignores the version: always addresses the latest one.

breaks: predict_url
"""


def predict_url(model_name, host="localhost", port=8501, version=None):
    return f"http://{host}:{port}/v1/models/{model_name}:predict"
