"""Size of a tensor with an unknown dimension counted as if it were 1, not None.

breaks: tensor_summary
"""
import numpy as np


def tensor_summary(t):
    dims = t.shape.as_list()
    return {"rank": len(dims), "shape": tuple(dims), "dtype": t.dtype.name,
            "size": int(np.prod([1 if d is None else d for d in dims]))}
