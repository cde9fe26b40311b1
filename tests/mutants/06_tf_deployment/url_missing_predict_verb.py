"""Forgets the `:predict` verb: that URL is the model-status endpoint.

breaks: predict_url
"""


def predict_url(model_name, host="localhost", port=8501, version=None):
    url = f"http://{host}:{port}/v1/models/{model_name}"
    if version is not None:
        url += f"/versions/{version}"
    return url
