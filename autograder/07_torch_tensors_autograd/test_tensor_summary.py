"""Hidden graders of tensor_summary: shape, dtype name, device, requires_grad, contiguity."""
import numpy as np
import torch

from dlcourse.grading import expect, graded, probe

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]
KEYS = ("shape", "dtype", "device", "requires_grad", "contiguous")


def make(case, shape, dtype):
    """The tensor a case describes; built by the probe in the sandbox and here in the trusted process."""
    dt = getattr(torch, dtype)
    if case == "meta":
        t = torch.empty(shape, dtype=dt, device="meta")
    else:
        t = torch.arange(int(np.prod(shape)), dtype=torch.float64).reshape(shape).to(dt)
    if case in ("requires_grad", "nonleaf"):
        t.requires_grad_(True)
    if case == "nonleaf":
        t = t * 2
    elif case == "transpose":
        t = t.transpose(0, 1)
    elif case == "row_step":
        t = t[::2]
    elif case == "narrow":
        t = t[..., :-1]
    elif case == "expand":
        t = t[:1].expand(*shape)
    elif case == "permute_contiguous":
        t = t.permute(*reversed(range(t.dim()))).contiguous()
    return t


@probe(uses=[make])
def probe_summary(mod, case, shape, dtype):
    # Build the tensor the case describes, summarise it, and report what came back as plain data.
    t = make(case, shape, dtype)
    s = mod.tensor_summary(t)
    if type(s) is not dict:
        return {"kind": type(s).__name__}
    out = {"kind": "dict", "keys": sorted(str(k) for k in s)}
    shp = s.get("shape")
    out["shape_is_tuple"] = isinstance(shp, tuple)
    try:
        out["shape"] = [int(d) for d in shp]
    except Exception:
        out["shape"] = None
    for key in ("dtype", "device"):
        value = s.get(key)
        out[key] = value if isinstance(value, str) else None
        out[key + "_type"] = type(value).__name__
    for key in ("requires_grad", "contiguous"):
        value = s.get(key)
        out[key] = value if type(value) is bool else None
        out[key + "_type"] = type(value).__name__
    return out


def random_shape(rng):
    """2 to 4 dimensions, the first at least 3 long and all at least 2."""
    dims = int(rng.integers(2, 5))
    return [int(rng.integers(3, 6))] + [int(d) for d in rng.integers(2, 5, size=dims - 1)]


def well_formed(got, what):
    expect(got["kind"] == "dict", f"tensor_summary should return a plain dict ({what})")
    missing = [k for k in KEYS if k not in got["keys"]]
    expect(not missing, f"tensor_summary's dict has no key(s) {missing} ({what})")


@graded("tensor_summary", points=1)
def test_tensor_summary_shape_and_dtype(sub, rng):
    for dtype in rng.permutation(DTYPES)[:5]:
        shape = random_shape(rng)
        what = f"a new {dtype} tensor of {len(shape)} dimensions"
        got = sub.run(probe_summary, "plain", shape, str(dtype))
        well_formed(got, what)
        expect(got["shape_is_tuple"], f"'shape' should be a tuple (a torch.Size is fine) ({what})")
        expect(got["shape"] == shape, f"'shape' does not list the tensor's dimensions ({what})")
        expect(got["dtype"] is not None, f"'dtype' should be a str ({what})")
        expect(got["dtype"] == dtype,
               f"'dtype' is wrong for {what}: give the dtype's name without the 'torch.' prefix")


@graded("tensor_summary", points=1)
def test_tensor_summary_device_and_requires_grad(sub, rng):
    cases = [("plain", False), ("requires_grad", True), ("nonleaf", True), ("meta", False)]
    for case, requires_grad in cases:
        shape = random_shape(rng)
        dtype = str(rng.choice(["float32", "float64"]))
        t = make(case, shape, dtype)
        what = {"plain": "a new CPU tensor", "requires_grad": "a leaf tensor with requires_grad=True",
                "nonleaf": "a result computed from a tensor that requires grad",
                "meta": "a tensor on the 'meta' device"}[case]
        got = sub.run(probe_summary, case, shape, dtype)
        well_formed(got, what)
        expect(got["device"] is not None, f"'device' should be a str ({what})")
        expect(got["device"] in (str(t.device), t.device.type),
               f"'device' is wrong for {what}: it should name the tensor's own device")
        expect(got["requires_grad"] is not None,
               f"'requires_grad' should be a bool ({what})")
        expect(got["requires_grad"] == requires_grad,
               f"'requires_grad' is wrong for {what}")


@graded("tensor_summary", points=1)
def test_tensor_summary_contiguity(sub, rng):
    cases = ["plain", "transpose", "row_step", "narrow", "expand", "permute_contiguous"]
    names = {"plain": "a new tensor", "transpose": "a transposed tensor",
             "row_step": "a slice taking every other row (t[::2])", "narrow": "a slice dropping the last column (t[..., :-1])",
             "expand": "an expanded tensor", "permute_contiguous": "a permuted tensor after .contiguous()"}
    for case in rng.permutation(cases):
        shape = random_shape(rng)
        want = make(str(case), shape, "float32").is_contiguous()
        got = sub.run(probe_summary, str(case), shape, "float32")
        well_formed(got, names[case])
        expect(got["contiguous"] is not None,
               f"'contiguous' should be a bool ({names[case]})")
        expect(got["contiguous"] == want, f"'contiguous' is wrong for {names[case]}")
