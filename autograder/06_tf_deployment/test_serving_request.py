"""Hidden tests of serving_request: the JSON body of TF Serving's REST predict API in row
format, {"instances": [row, row, ...]}, from NumPy arrays or nested lists."""
import json

import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_request(mod, instances, as_list):
    body = mod.serving_request(instances.tolist() if as_list else instances)
    return {"type": type(body).__name__, "body": body if isinstance(body, str) else None}


def _decode(got):
    expect(got["type"] == "str", f"serving_request should return the JSON text as a str, not a {got['type']}")
    try:
        return json.loads(got["body"])
    except json.JSONDecodeError:
        expect(False, "serving_request should return valid JSON text (json.dumps)")


def _check_rows(payload, x):
    expect(isinstance(payload, dict) and "instances" in payload,
           'the request body should be a JSON object with the key "instances" (row format)')
    expect(set(payload) <= {"instances", "signature_name"},
           'the row-format body holds "instances" only (the columnar "inputs" cannot be mixed with it)')
    rows = payload["instances"]
    expect(isinstance(rows, list) and len(rows) == len(x) and all(isinstance(r, list) for r in rows),
           '"instances" should be a list with one entry per example, each the list of its feature values')
    close(rows, x, '"instances" should hold the examples\' feature values, row by row', rtol=1e-6, atol=1e-7)


@graded("serving_request", points=2)
def test_serving_request_wraps_numpy_rows_in_instances(sub, rng):
    n, d = int(rng.integers(1, 8)), int(rng.integers(2, 10))
    dtype = str(rng.choice(["float32", "float64"]))
    x = rng.standard_normal((n, d)).astype(dtype)
    _check_rows(_decode(sub.run(probe_request, x, False)), x)


@graded("serving_request", points=1)
def test_serving_request_accepts_nested_lists(sub, rng):
    n, d = int(rng.integers(2, 8)), int(rng.integers(2, 10))
    x = np.round(rng.standard_normal((n, d)), 4)
    _check_rows(_decode(sub.run(probe_request, x, True)), x)
