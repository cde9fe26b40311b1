"""Hidden tests of parse_serving_response: TF Serving's REST predict response,
{"predictions": [[...], ...]}, as str or bytes, to a float array (N, K)."""
import json

import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_parse(mod, body):
    out = mod.parse_serving_response(body)
    return {"type": type(out).__name__, "kind": getattr(getattr(out, "dtype", None), "kind", None),
            "value": out if isinstance(out, (np.ndarray, list)) else None}


def _response(rng, n, k):
    preds = rng.standard_normal((n, k))
    return json.dumps({"predictions": preds.tolist()}), preds


def _check(got, preds, what):
    expect(got["type"] == "ndarray", f"parse_serving_response should return a NumPy array, not a {got['type']}")
    expect(got["kind"] == "f", "parse_serving_response should return a float array")
    close(got["value"], preds, f"parse_serving_response gives the wrong array for a {what} body "
          '(the "predictions" of the response, shape (N, K))', rtol=1e-6, atol=1e-9)


@graded("parse_serving_response", points=2)
def test_parse_serving_response_reads_predictions_from_text(sub, rng):
    for n, k in ((int(rng.integers(2, 10)), int(rng.integers(2, 8))), (1, 1)):
        body, preds = _response(rng, n, k)
        _check(sub.run(probe_parse, body), preds, "str")


@graded("parse_serving_response", points=1)
def test_parse_serving_response_reads_bytes(sub, rng):
    body, preds = _response(rng, int(rng.integers(2, 10)), int(rng.integers(2, 8)))
    _check(sub.run(probe_parse, body.encode("utf-8")), preds, "bytes")
