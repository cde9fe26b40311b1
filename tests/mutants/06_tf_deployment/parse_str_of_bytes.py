"""Turns bytes into text with str(body), which gives "b'...'" and no JSON.

breaks: parse_serving_response
"""


def parse_serving_response(body):
    return np.asarray(json.loads(str(body))["predictions"], dtype=np.float32)
