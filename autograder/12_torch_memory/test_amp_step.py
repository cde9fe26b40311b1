"""Hidden graders of amp_step: a bf16 autocast step through a GradScaler, skipped when gradients overflow."""
import numpy as np
import torch

from dlcourse.grading import close, expect, graded, probe


def build(state):
    from torch import nn

    h, d = state["0.weight"].shape
    k = state["2.weight"].shape[0]
    model = nn.Sequential(nn.Linear(d, h), nn.Tanh(), nn.Linear(h, k))
    model.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    return model


@probe(uses=[build])
def probe_amp(mod, state, x, y, lr, init_scale):
    # One step with a fresh scaler that doubles its scale after every successful step.
    from torch import nn

    model = build(state)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    scaler = torch.amp.GradScaler("cpu", init_scale=init_scale, growth_factor=2.0, backoff_factor=0.5,
                                  growth_interval=1)
    dtypes = []      # the dtype of the first layer's output in each forward (bfloat16 under autocast)
    hook = model[0].register_forward_hook(lambda module, inputs, output: dtypes.append(str(output.dtype)))
    result = mod.amp_step(model, optimizer, scaler, nn.MSELoss(), torch.tensor(x), torch.tensor(y))
    hook.remove()
    return {"weights": {name: p.detach().numpy().copy() for name, p in model.named_parameters()},
            "scale": float(scaler.get_scale()), "loss_type": type(result).__name__,
            "loss": float(result) if isinstance(result, (int, float)) else None, "forward_dtypes": dtypes}


@probe(uses=[build])
def probe_amp_twice(mod, state, x, y, x_bad, lr, init_scale):
    # A step on a finite batch, then one whose gradients overflow, with one scaler growing after every success.
    from torch import nn

    model = build(state)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    scaler = torch.amp.GradScaler("cpu", init_scale=init_scale, growth_factor=2.0, backoff_factor=0.5,
                                  growth_interval=1)
    out = {}
    for when, batch in (("first", x), ("second", x_bad)):
        mod.amp_step(model, optimizer, scaler, nn.MSELoss(), torch.tensor(batch), torch.tensor(y))
        out[when] = {"weights": {name: p.detach().numpy().copy() for name, p in model.named_parameters()},
                     "scale": float(scaler.get_scale())}
    return out


def random_case(rng, overflow=False):
    d, h, k = int(rng.integers(4, 17)), int(rng.integers(8, 33)), int(rng.integers(1, 5))
    state = {"0.weight": (rng.standard_normal((h, d)) / np.sqrt(d)).astype(np.float32),
             "0.bias": (rng.standard_normal(h) * 0.1).astype(np.float32),
             "2.weight": (rng.standard_normal((k, h)) / np.sqrt(h)).astype(np.float32),
             "2.bias": (rng.standard_normal(k) * 0.1).astype(np.float32)}
    n = int(rng.integers(8, 33))
    x = rng.standard_normal((n, d)).astype(np.float32)
    y = rng.standard_normal((n, k)).astype(np.float32)
    if overflow:                                   # one infinite feature: the gradients are not finite
        x[int(rng.integers(0, n)), int(rng.integers(0, d))] = np.inf
    return state, x, y, float(rng.uniform(0.05, 0.3)), float(2.0 ** int(rng.integers(8, 17)))


def reference_step(state, x, y, lr):
    """The same step computed here: forward under bf16 autocast, then an unscaled SGD update."""
    model = build(state)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        loss = torch.nn.functional.mse_loss(model(torch.tensor(x)), torch.tensor(y))
    loss.backward()
    optimizer.step()
    return {name: p.detach().numpy().copy() for name, p in model.named_parameters()}, float(loss)


def reference_steps(state, xs, y, lr):
    """The weights after each of several such steps in a row, computed here."""
    model = build(state)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    out = []
    for x in xs:
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            loss = torch.nn.functional.mse_loss(model(torch.tensor(x)), torch.tensor(y))
        loss.backward()
        optimizer.step()
        out.append({name: p.detach().numpy().copy() for name, p in model.named_parameters()})
    return out


@graded("amp_step", points=2)
def test_amp_step_update_equals_unscaled_step(sub, rng):
    state, x, y, lr, init_scale = random_case(rng)
    got = sub.run(probe_amp, state, x, y, lr, init_scale)
    want, _ = reference_step(state, x, y, lr)
    for name, value in want.items():
        change, want_change = got["weights"][name] - state[name], value - state[name]
        size = float(np.abs(want_change).max())
        close(change, want_change, f"amp_step's update of parameter {name} is not the SGD update of the unscaled "
              "gradients (to bfloat16 precision): the scaler must unscale the gradients before the optimizer "
              "uses them (scaler.step does)", rtol=0.05, atol=0.05 * size + 1e-7)
    # two steps in a row: the second must use only its own batch's gradients (a scale starting at 1, so
    # gradients left over from the first step are not dwarfed by the second step's scaled ones)
    x2 = rng.standard_normal(x.shape).astype(np.float32)
    got = sub.run(probe_amp_twice, state, x, y, x2, lr, 1.0)
    first, second = reference_steps(state, [x, x2], y, lr)
    for name in second:
        change, want_change = got["second"]["weights"][name] - got["first"]["weights"][name], second[name] - first[name]
        close(change, want_change, f"a second amp_step in a row updates parameter {name} with more than its own "
              "batch's gradients: clear the gradients at each step", rtol=0.05,
              atol=0.05 * float(np.abs(want_change).max()) + 1e-7)


@graded("amp_step", points=1)
def test_amp_step_returns_unscaled_loss(sub, rng):
    state, x, y, lr, init_scale = random_case(rng)
    got = sub.run(probe_amp, state, x, y, lr, init_scale)
    _, loss = reference_step(state, x, y, lr)
    expect(got["loss"] is not None, f"amp_step should return the loss as a Python float, got a {got['loss_type']}")
    close(got["loss"], loss, "amp_step's return value is not the (unscaled) loss of the batch", rtol=0.03, atol=1e-3)
    expect(len(got["forward_dtypes"]) > 0 and all(d == "torch.bfloat16" for d in got["forward_dtypes"]),
           "amp_step's forward pass did not run in bfloat16: run it under torch.autocast on the CPU in bfloat16")


@graded("amp_step", points=1)
def test_amp_step_updates_the_scale(sub, rng):
    state, x, y, lr, init_scale = random_case(rng)
    got = sub.run(probe_amp, state, x, y, lr, init_scale)
    want, _ = reference_step(state, x, y, lr)
    for name, value in want.items():       # first of all, the step itself must be right
        change, want_change = got["weights"][name] - state[name], value - state[name]
        close(change, want_change, f"amp_step's update of parameter {name} is not the SGD update of the unscaled "
              "gradients", rtol=0.05, atol=0.05 * float(np.abs(want_change).max()) + 1e-7)
    expect(got["scale"] == init_scale * 2, f"with a GradScaler set to grow its scale after every successful step "
                                           f"(growth_interval=1), the scale after amp_step is {got['scale']:g} instead "
                                           f"of {init_scale * 2:g}: update the scaler after each step")


@graded("amp_step", points=1)
def test_amp_step_skips_overflowing_step(sub, rng):
    state, x, y, lr, init_scale = random_case(rng)
    x_bad = x.copy()
    x_bad[int(rng.integers(0, len(x))), int(rng.integers(0, x.shape[1]))] = np.inf   # gradients not finite
    got = sub.run(probe_amp_twice, state, x, y, x_bad, lr, init_scale)
    want, _ = reference_step(state, x, y, lr)
    for name, value in want.items():       # first of all, a finite batch must make a correct step
        change, want_change = got["first"]["weights"][name] - state[name], value - state[name]
        close(change, want_change, f"amp_step's update of parameter {name} on a finite batch is not the SGD update "
              "of the unscaled gradients", rtol=0.05, atol=0.05 * float(np.abs(want_change).max()) + 1e-7)
    expect(got["first"]["scale"] == init_scale * 2, "after a successful step the scaler's scale did not grow: "
                                                    "update the scaler after each step")
    for name in want:
        close(got["second"]["weights"][name], got["first"]["weights"][name], f"on a batch whose gradients are not "
              f"finite, amp_step changed parameter {name}: the scaler must skip that optimizer step", rtol=0, atol=0)
    expect(got["second"]["scale"] == init_scale, "after a step whose gradients overflowed, the scaler's scale did not "
                                                 "back off: update the scaler after each step")
