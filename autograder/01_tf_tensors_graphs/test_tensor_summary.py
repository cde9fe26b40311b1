"""Hidden tests of tensor_summary: rank, shape, dtype name and size, known or unknown dims."""
import numpy as np

from dlcourse.grading import expect, graded, probe

DTYPES = ["float32", "float64", "int32", "int64", "bool", "uint8", "float16"]


@probe
def probe_summaries(mod, cases):
    """tensor_summary of eager tensors of the given (shape, dtype) cases, made plain."""
    def plain(v):
        if v is None or type(v) in (bool, int, float, str):
            return {"type": type(v).__name__, "value": v}
        if type(v) in (tuple, list):
            return {"type": type(v).__name__, "value": [plain(e) for e in v]}
        return {"type": type(v).__name__, "value": repr(v)}

    out = []
    for shape, dtype in cases:
        s = mod.tensor_summary(tf.zeros(shape, dtype=dtype))
        if not isinstance(s, dict):
            return {"error": f"tensor_summary returned a {type(s).__name__}, not a dict"}
        out.append({k: plain(s.get(k)) for k in ("rank", "shape", "dtype", "size")})
    return {"error": None, "summaries": out}


@probe
def probe_symbolic(mod, k):
    """tensor_summary of a [None, k] float32 tensor inside a tf.function."""
    seen = {}

    @tf.function(input_signature=[tf.TensorSpec([None, k], tf.float32)])
    def inside(t):
        seen["s"] = mod.tensor_summary(t)
        return t

    inside.get_concrete_function()
    s = seen["s"]
    if not isinstance(s, dict):
        return {"error": f"tensor_summary returned a {type(s).__name__}, not a dict"}
    shape = s.get("shape")
    return {"error": None,
            "rank": s.get("rank") if type(s.get("rank")) is int else repr(s.get("rank")),
            "shape": [e if e is None or type(e) is int else repr(e) for e in shape]
            if type(shape) is tuple else repr(shape),
            "size": s.get("size") if s.get("size") is None or type(s.get("size")) is int else repr(s.get("size")),
            "dtype": s.get("dtype") if type(s.get("dtype")) is str else repr(s.get("dtype"))}


def _cases(rng):
    cases = []
    for rank in range(5):
        shape = [int(rng.integers(1, 5)) for _ in range(rank)]
        cases.append((shape, str(rng.choice(DTYPES))))
    cases.append(([int(rng.integers(2, 4)), 0], str(rng.choice(DTYPES))))   # an empty tensor
    return cases


def _summaries(sub, rng):
    cases = _cases(rng)
    got = sub.run(probe_summaries, cases)
    expect(got["error"] is None, got["error"] or "")
    return cases, got["summaries"]


@graded("tensor_summary", points=2)
def test_tensor_summary_rank_and_shape(sub, rng):
    cases, summaries = _summaries(sub, rng)
    for (shape, _), s in zip(cases, summaries):
        expect(s["rank"] == {"type": "int", "value": len(shape)},
               f"'rank' should be the number of axes as a Python int (a rank-{len(shape)} tensor was wrong)")
        want = {"type": "tuple", "value": [{"type": "int", "value": d} for d in shape]}
        expect(s["shape"] == want,
               f"'shape' should be a tuple of Python ints, one per axis (a rank-{len(shape)} tensor was wrong)")


@graded("tensor_summary", points=1)
def test_tensor_summary_dtype_name(sub, rng):
    cases, summaries = _summaries(sub, rng)
    for (_, dtype), s in zip(cases, summaries):
        expect(s["dtype"] == {"type": "str", "value": dtype},
               f"'dtype' should be the dtype's name as a string, such as \"{dtype}\"")


@graded("tensor_summary", points=1)
def test_tensor_summary_size(sub, rng):
    cases, summaries = _summaries(sub, rng)
    for (shape, _), s in zip(cases, summaries):
        expect(s["size"] == {"type": "int", "value": int(np.prod(shape, dtype=np.int64))},
               f"'size' should be the number of elements as a Python int (a rank-{len(shape)} tensor "
               f"{'with a zero-length axis ' if 0 in shape else ''}was wrong)")


@graded("tensor_summary", points=2)
def test_tensor_summary_unknown_dimension(sub, rng):
    k = int(rng.integers(2, 9))
    got = sub.run(probe_symbolic, k)
    expect(got["error"] is None, got["error"] or "")
    expect(got["shape"] == [None, k],
           "for a [None, k] tensor inside a tf.function, 'shape' should be the tuple (None, k)")
    expect(got["size"] is None, "when a dimension is unknown, 'size' should be None")
    expect(got["rank"] == 2 and got["dtype"] == "float32",
           "for a symbolic tensor, 'rank' and 'dtype' are still known: give them as for an eager tensor")
