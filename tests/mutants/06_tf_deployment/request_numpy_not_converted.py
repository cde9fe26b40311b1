"""Passes a NumPy array straight to json.dumps (not JSON-serializable: TypeError).

breaks: serving_request
"""


def serving_request(instances):
    return json.dumps({"instances": instances})
