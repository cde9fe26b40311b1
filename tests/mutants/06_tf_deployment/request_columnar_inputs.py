"""Sends the columnar key "inputs" instead of the row format's "instances".

breaks: serving_request
"""


def serving_request(instances):
    return json.dumps({"inputs": np.asarray(instances).tolist()})
