"""Uses the gRPC port 8500 as the default: the REST API listens on 8501.

breaks: predict_url
"""


def predict_url(model_name, host="localhost", port=8500, version=None):
    url = f"http://{host}:{port}/v1/models/{model_name}"
    if version is not None:
        url += f"/versions/{version}"
    return url + ":predict"
