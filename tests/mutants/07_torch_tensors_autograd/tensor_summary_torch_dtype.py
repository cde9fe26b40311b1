"""tensor_summary gives the dtype as "torch.float32" instead of "float32".

breaks: tensor_summary
"""


def tensor_summary(t):
    return {"shape": tuple(t.shape), "dtype": str(t.dtype), "device": str(t.device),
            "requires_grad": t.requires_grad, "contiguous": t.is_contiguous()}
