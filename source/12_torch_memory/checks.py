"""Visible checks of 12_torch_memory: small fixed examples, run in your kernel.

The hidden graders test more behaviours, with fresh random inputs.
"""
import contextlib
import io
import warnings

import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.visible import Checks

checks = Checks()


@contextlib.contextmanager
def _quiet():
    """A check cell stays silent (some mistakes make PyTorch warn)."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _net(d=3, k=2):
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(d, 4), nn.Tanh(), nn.Linear(4, k))


@checks.of("accumulation_step")
def _(accumulation_step):
    torch.manual_seed(1)
    x, y = torch.randn(7, 3), torch.randn(7, 2)
    reference = _net()
    optimizer = torch.optim.SGD(reference.parameters(), lr=0.5)
    full_loss = F.mse_loss(reference(x), y)
    full_loss.backward()
    optimizer.step()

    model = _net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for p in model.parameters():
        p.grad = torch.ones_like(p)                 # left over from an earlier backward pass
    steps = []
    optimizer.register_step_post_hook(lambda *args: steps.append(1))
    with _quiet():
        loss = accumulation_step(model, optimizer, F.mse_loss, [(x[:5], y[:5]), (x[5:], y[5:])])
    checks.expect(len(steps) == 1, f"accumulation_step called optimizer.step() {len(steps)} times; expected once")
    checks.expect(all(torch.allclose(a, b, atol=1e-6) for a, b in zip(model.parameters(), reference.parameters())),
                  "with micro-batches of 5 and 2 rows (and stale gradients on the parameters), the weights after "
                  "accumulation_step differ from one step on all 7 rows")
    checks.expect(isinstance(loss, float), f"accumulation_step should return a Python float, got a {type(loss).__name__}")
    checks.expect(abs(loss - full_loss.item()) < 1e-5,
                  f"accumulation_step returned {loss:.6f}; the loss of the whole batch is {full_loss.item():.6f}")


@checks.of("autocast_forward")
def _(autocast_forward):
    model = _net(3, 2)
    x = torch.linspace(-1, 1, 12).reshape(4, 3)
    with _quiet():
        out = autocast_forward(model, x)
    checks.expect(isinstance(out, torch.Tensor), f"autocast_forward should return a tensor, got a {type(out).__name__}")
    checks.expect(out.dtype == torch.bfloat16, f"the output's dtype is {out.dtype}; under CPU autocast with bfloat16 "
                                               "a linear layer returns torch.bfloat16")
    with torch.no_grad():
        want = model(x)
    checks.expect(torch.allclose(out.float(), want, atol=0.02), "the output is not close to the float32 output")
    checks.expect(all(p.dtype == torch.float32 for p in model.parameters()), "the model's weights should stay float32")


@checks.of("amp_step")
def _(amp_step):
    x, y = torch.linspace(-1, 1, 12).reshape(4, 3), torch.zeros(4, 2)
    model = _net(3, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=1)
    reference = _net(3, 2)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        want_loss = F.mse_loss(reference(x), y)
    want_loss.backward()
    torch.optim.SGD(reference.parameters(), lr=0.1).step()
    with _quiet():
        loss = amp_step(model, optimizer, scaler, F.mse_loss, x, y)
    checks.expect(isinstance(loss, float), f"amp_step should return a Python float, got a {type(loss).__name__}")
    checks.expect(abs(loss - want_loss.item()) < 0.02 * abs(want_loss.item()) + 1e-3,
                  f"amp_step returned {loss:.4f}; the unscaled loss is about {want_loss.item():.4f}")
    checks.expect(all(torch.allclose(a, b, atol=2e-3) for a, b in zip(model.parameters(), reference.parameters())),
                  "the weights after amp_step differ from an ordinary SGD step: were the gradients unscaled?")
    checks.expect(scaler.get_scale() == 2048.0, f"after a good step with growth_interval=1 the scale should double to "
                                                f"2048, got {scaler.get_scale():g}: was scaler.update() called?")
    before = [p.detach().clone() for p in model.parameters()]
    bad = x.clone()
    bad[0, 0] = float("inf")
    with _quiet():
        amp_step(model, optimizer, scaler, F.mse_loss, bad, y)
    checks.expect(all(torch.equal(a, b) for a, b in zip(before, model.parameters())),
                  "a batch holding inf gives non-finite gradients: amp_step must skip that step (scaler.step does)")
    checks.expect(scaler.get_scale() == 1024.0, f"after an overflow the scale should halve to 1024, got {scaler.get_scale():g}")


@checks.of("checkpointed_forward")
def _(checkpointed_forward):
    torch.manual_seed(0)
    blocks = nn.Sequential(*[nn.Sequential(nn.Linear(4, 4), nn.Tanh()) for _ in range(4)])
    calls = [0] * 4
    for i, block in enumerate(blocks):
        block.register_forward_pre_hook(lambda m, args, i=i: calls.__setitem__(i, calls[i] + 1))
    x = torch.linspace(-1, 1, 12).reshape(3, 4)           # data: does not require grad
    want = blocks(x)
    want.sum().backward()
    want_grads = [p.grad.clone() for p in blocks.parameters()]
    blocks.zero_grad()
    calls[:] = [0] * 4
    with _quiet():
        out = checkpointed_forward(blocks, x, 2)
    checks.expect(isinstance(out, torch.Tensor), f"checkpointed_forward should return a tensor, got a {type(out).__name__}")
    checks.expect(torch.allclose(out, want), "the output differs from blocks(x)")
    with _quiet():
        out.sum().backward()
    grads = [p.grad for p in blocks.parameters()]
    checks.expect(all(g is not None for g in grads), "some parameters got no gradient (use_reentrant=False is needed "
                                                     "when the input does not require grad)")
    checks.expect(all(torch.allclose(a, b, atol=1e-6) for a, b in zip(grads, want_grads)),
                  "the parameters' gradients differ from the plain forward's")
    checks.expect(calls[0] == 2, f"with 4 blocks in 2 segments, block 0 should run twice (forward, then recomputed "
                                 f"in backward); counted calls per block {calls}")


check = checks.check
needs = checks.needs
