"""Hidden graders of FocalLoss: the per-sample formula, reductions, gradient, unknown reduction."""
import numpy as np
import torch

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_focal(mod, args, logits, target):
    torch.set_grad_enabled(True)                # whatever an earlier call left switched off
    x = torch.tensor(logits, requires_grad=True)
    loss_fn = mod.FocalLoss(*args)
    loss = loss_fn(x, torch.tensor(target))
    out = {"is_module": isinstance(loss_fn, torch.nn.Module), "is_tensor": torch.is_tensor(loss)}
    if not out["is_tensor"]:
        return out
    out.update(shape=[int(s) for s in loss.shape], value=loss.detach().double().numpy(),
               requires_grad=bool(loss.requires_grad), grad=None)
    if loss.requires_grad:
        loss.sum().backward()
        out["grad"] = None if x.grad is None else x.grad.double().numpy()
    return out


@probe
def probe_defaults(mod, logits, target):
    loss = mod.FocalLoss()(torch.tensor(logits), torch.tensor(target))
    return torch.as_tensor(loss).detach().double().numpy()


@probe
def probe_bad_reduction(mod, reduction, logits, target):
    try:
        loss_fn = mod.FocalLoss(2.0, reduction)
        loss_fn(torch.tensor(logits), torch.tensor(target))
    except ValueError:
        return "ValueError"
    except Exception as exc:
        return type(exc).__name__
    return None


def focal(logits, target, gamma):
    """Per-sample focal loss in float64, with torch's autograd for the gradient."""
    x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    log_pt = torch.log_softmax(x, dim=1)[torch.arange(len(target)), torch.tensor(target)]
    loss = -((1 - log_pt.exp()) ** gamma) * log_pt
    return loss, x


def draw(rng):
    n, c = int(rng.integers(4, 30)), int(rng.integers(2, 7))
    logits = (rng.standard_normal((n, c)) * rng.uniform(0.5, 3)).astype(np.float32)
    target = rng.integers(0, c, size=n).astype(np.int64)
    return logits, target


def well_formed(got):
    expect(got["is_module"], "FocalLoss(...) should be an nn.Module")
    expect(got["is_tensor"], "FocalLoss should return a tensor")


@graded("FocalLoss", points=2)
def test_focal_loss_per_sample_values(sub, rng):
    for gamma in (0.0, float(rng.uniform(0.5, 1.5)), 2.0, float(rng.uniform(2.5, 4))):
        logits, target = draw(rng)
        got = sub.run(probe_focal, [gamma, "none"], logits, target)
        well_formed(got)
        expect(got["shape"] == [len(target)], "with reduction='none' FocalLoss should return one loss per sample, "
                                              "a tensor of shape (N,)")
        want, _ = focal(logits, target, gamma)
        close(got["value"], want.detach().numpy(), "FocalLoss(gamma, reduction='none') gives wrong "
              "per-sample values: -(1 - p_t)**gamma * log(p_t), with p_t the softmax probability of the true class",
              rtol=1e-4, atol=1e-6)


@graded("FocalLoss", points=1)
def test_focal_loss_mean_and_sum(sub, rng):
    for reduction in ("mean", "sum"):
        gamma = float(rng.uniform(0.5, 3))
        logits, target = draw(rng)
        got = sub.run(probe_focal, [gamma, reduction], logits, target)
        well_formed(got)
        expect(got["shape"] == [], f"with reduction={reduction!r} FocalLoss should return a scalar tensor")
        want, _ = focal(logits, target, gamma)
        close(got["value"], getattr(want, reduction)().item(), f"FocalLoss with reduction={reduction!r} gives the "
              f"wrong value", rtol=1e-4, atol=1e-6)
    logits, target = draw(rng)
    want, _ = focal(logits, target, 2.0)
    close(sub.run(probe_defaults, logits, target), want.mean().item(),
          "FocalLoss() should default to gamma=2.0 and reduction='mean'", rtol=1e-4, atol=1e-6)


@graded("FocalLoss", points=1)
def test_focal_loss_gradient(sub, rng):
    for reduction in ("none", "mean"):
        gamma = float(rng.uniform(1.0, 3.0))
        logits, target = draw(rng)
        got = sub.run(probe_focal, [gamma, reduction], logits, target)
        well_formed(got)
        expect(got["requires_grad"], "FocalLoss's result does not require grad: compute it with torch operations on "
                                     "the logits (no .item(), NumPy or detach)")
        expect(got["grad"] is not None, "after backward, the logits' .grad is None")
        want, x = focal(logits, target, gamma)
        getattr(want, "sum" if reduction == "none" else "mean")().backward()
        close(got["grad"], x.grad.numpy(), f"the gradient of FocalLoss (reduction={reduction!r}) with respect to the "
              "logits differs from the gradient of -(1 - p_t)**gamma * log(p_t): every factor, (1 - p_t)**gamma "
              "included, must stay in the graph", rtol=1e-3, atol=1e-6)


@graded("FocalLoss", points=1)
def test_focal_loss_unknown_reduction_raises(sub, rng):
    # raising is only right if the known reductions work: a FocalLoss that always raises earns nothing
    gamma = float(rng.uniform(0.5, 3))
    for reduction in ("none", "mean", "sum"):
        logits, target = draw(rng)
        got = sub.run(probe_focal, [gamma, reduction], logits, target)
        well_formed(got)
        want, _ = focal(logits, target, gamma)
        want = want.detach().numpy() if reduction == "none" else getattr(want, reduction)().item()
        close(got["value"], want, f"FocalLoss with reduction={reduction!r} gives wrong values, so how it treats an "
              "unknown reduction cannot count", rtol=1e-4, atol=1e-6)
    logits, target = draw(rng)
    for reduction in ("average", "Mean", str(rng.choice(["max", "batchmean", "elementwise_mean", "total"]))):
        got = sub.run(probe_bad_reduction, reduction, logits, target)
        expect(got == "ValueError", f"FocalLoss(2.0, {reduction!r}) should raise ValueError (in __init__ or when "
                                    "called); " + ("it raised nothing" if got is None else "it raised another exception"))
