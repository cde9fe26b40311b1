"""Flattens the batch into one list of numbers: the rows are lost.

breaks: serving_request
"""


def serving_request(instances):
    return json.dumps({"instances": np.asarray(instances).ravel().tolist()})
