"""Hidden graders of autocast_forward: a bfloat16 forward pass under CPU autocast, weights left in float32."""
import numpy as np
import torch

from dlcourse.grading import close, expect, graded, probe


def build(state):
    from torch import nn

    h, d = state["0.weight"].shape
    k = state["2.weight"].shape[0]
    model = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, k))
    model.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    return model


@probe(uses=[build])
def probe_autocast(mod, state, x):
    model = build(state)
    out = mod.autocast_forward(model, torch.tensor(x))
    if not isinstance(out, torch.Tensor):
        return {"type": type(out).__name__}
    return {"type": "Tensor", "dtype": str(out.dtype).removeprefix("torch."),
            "values": out.detach().float().numpy().copy(),
            "param_dtypes": sorted({str(p.dtype).removeprefix("torch.") for p in model.parameters()}),
            "autocast_left_on": bool(torch.is_autocast_enabled("cpu"))}


def random_case(rng):
    d, h, k = int(rng.integers(8, 33)), int(rng.integers(16, 65)), int(rng.integers(2, 11))
    state = {"0.weight": (rng.standard_normal((h, d)) / np.sqrt(d)).astype(np.float32),
             "0.bias": (rng.standard_normal(h) * 0.1).astype(np.float32),
             "2.weight": (rng.standard_normal((k, h)) / np.sqrt(h)).astype(np.float32),
             "2.bias": (rng.standard_normal(k) * 0.1).astype(np.float32)}
    return state, rng.standard_normal((int(rng.integers(4, 33)), d)).astype(np.float32)


def tensor_result(got):
    expect(got["type"] == "Tensor", f"autocast_forward should return the model's output tensor, got a {got['type']}")


@graded("autocast_forward", points=1)
def test_autocast_forward_output_is_bfloat16(sub, rng):
    state, x = random_case(rng)
    got = sub.run(probe_autocast, state, x)
    tensor_result(got)
    expect(got["dtype"] == "bfloat16", f"under CPU autocast with bfloat16 a linear layer's output is bfloat16; "
                                       f"autocast_forward's output is {got['dtype']}")
    expect(not got["autocast_left_on"], "after autocast_forward, autocast is still on: use it as a with block")


@graded("autocast_forward", points=1)
def test_autocast_forward_close_to_float32_with_float32_weights(sub, rng):
    state, x = random_case(rng)
    got = sub.run(probe_autocast, state, x)
    tensor_result(got)
    with torch.no_grad():
        want = build(state)(torch.tensor(x)).numpy()
    scale = float(np.abs(want).max())
    close(got["values"], want, "autocast_forward's output is not the model's output to bfloat16 precision",
          rtol=0.03, atol=0.03 * scale)
    expect(got["param_dtypes"] == ["float32"], f"after autocast_forward the model's parameters are {got['param_dtypes']}: "
                                               "autocast computes in lower precision but keeps the weights in float32")
