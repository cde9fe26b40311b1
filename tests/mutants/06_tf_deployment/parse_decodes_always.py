"""Always calls body.decode(): fails when the body is already a str.

breaks: parse_serving_response
"""


def parse_serving_response(body):
    return np.asarray(json.loads(body.decode("utf-8"))["predictions"], dtype=np.float32)
