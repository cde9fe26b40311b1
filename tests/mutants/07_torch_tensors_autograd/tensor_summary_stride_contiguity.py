"""tensor_summary calls a tensor contiguous when its last stride is 1 (wrong for sliced rows/columns).

breaks: tensor_summary
"""


def tensor_summary(t):
    return {"shape": tuple(t.shape), "dtype": str(t.dtype).removeprefix("torch."), "device": str(t.device),
            "requires_grad": t.requires_grad, "contiguous": t.dim() == 0 or t.stride()[-1] == 1}
