"""Plain-data messages between the trusted grader and the sandboxed worker.

Only JSON-able values and NumPy arrays (saved with ``allow_pickle=False``) cross the
pipe, so nothing the learner's process sends back can run code in the grader.
"""
from __future__ import annotations

import base64
import io
import json
import struct

import numpy as np

MAX_MESSAGE = 64 * 1024 * 1024
# JSON values a message may hold. Bytes bound the pipe, not the decoded objects: 18 MB of empty lists
# would cost the grader ~450 MB. Every value but the first follows a comma or an opening bracket.
MAX_VALUES = 1_000_000
_HEADER = struct.Struct("!I")


class ProtocolError(Exception):
    """A message that is not plain data, or a broken pipe."""


def encode(value):
    """Turn plain data (and arrays) into JSON-able values; refuse anything else."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and type(value) in (int, float, bool):
        return value
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        return encode(value.item())
    if type(value) is np.ndarray:
        if value.dtype.hasobject:
            raise ProtocolError("arrays of Python objects cannot be sent")
        buf = io.BytesIO()
        np.save(buf, value, allow_pickle=False)
        return {"__nd__": base64.b64encode(buf.getvalue()).decode("ascii")}
    if type(value) is bytes:
        return {"__bytes__": base64.b64encode(value).decode("ascii")}
    if type(value) in (list, tuple):
        return [encode(v) for v in value]
    if type(value) is dict:
        if not all(type(k) is str for k in value):
            raise ProtocolError("dict keys must be strings")
        if "__nd__" in value or "__bytes__" in value:
            raise ProtocolError("reserved key in dict")
        return {k: encode(v) for k, v in value.items()}
    raise ProtocolError(f"a value of type {type(value).__name__} is not plain data")


def _decode_hook(obj):
    if "__nd__" in obj:
        return np.load(io.BytesIO(base64.b64decode(obj["__nd__"])), allow_pickle=False)
    if "__bytes__" in obj:
        return base64.b64decode(obj["__bytes__"])
    return obj


def dumps(message) -> bytes:
    """Frame one message: a length header, then JSON."""
    body = json.dumps(encode(message), allow_nan=True).encode("utf-8")
    return _HEADER.pack(len(body)) + body


def loads(body: bytes):
    """Decode a message body (without its header) into plain data and arrays, within ``MAX_VALUES``."""
    values = body.count(b",") + body.count(b"[") + body.count(b"{")
    if values > MAX_VALUES:
        raise ProtocolError(f"a message of more than {MAX_VALUES} values (use arrays for large data)")
    try:
        return json.loads(body.decode("utf-8"), object_hook=_decode_hook)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"malformed message: {exc}") from None


def header_size(header: bytes) -> int:
    """The body length announced by a header, checked against the limit."""
    (size,) = _HEADER.unpack(header)
    if size > MAX_MESSAGE:
        raise ProtocolError(f"message of {size} bytes is over the limit")
    return size


HEADER_BYTES = _HEADER.size
