"""Returns the nested Python list, not a NumPy array.

breaks: parse_serving_response
"""


def parse_serving_response(body):
    return json.loads(body)["predictions"]
