"""Hidden graders of QuantileLoss: the pinball loss's value and its gradient."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_quantile(mod, q, pred, target):
    torch.set_grad_enabled(True)                # whatever an earlier call left switched off
    p = torch.tensor(pred, requires_grad=True)
    loss_fn = mod.QuantileLoss(q)
    loss = loss_fn(p, torch.tensor(target))
    out = {"is_module": isinstance(loss_fn, torch.nn.Module), "is_tensor": torch.is_tensor(loss)}
    if not out["is_tensor"]:
        return out
    out.update(shape=[int(s) for s in loss.shape], value=loss.detach().double().numpy(),
               requires_grad=bool(loss.requires_grad), grad=None)
    if loss.requires_grad and loss.numel() == 1:
        loss.backward()
        out["grad"] = None if p.grad is None else p.grad.double().numpy()
    return out


def pinball(q, pred, target):
    e = target.astype(np.float64) - pred
    return np.maximum(q * e, (q - 1) * e)


def draw(rng):
    q = float(rng.choice([rng.uniform(0.05, 0.35), rng.uniform(0.65, 0.95)]))
    n = int(rng.integers(5, 40))
    shape = [(n,), (n, 1), (n // 2 + 1, 3)][int(rng.integers(0, 3))]
    pred = rng.standard_normal(shape).astype(np.float32)
    target = (pred + rng.standard_normal(shape) * 2 + rng.uniform(-1, 1)).astype(np.float32)
    return q, pred, target


def well_formed(got):
    expect(got["is_module"], "QuantileLoss(q) should be an nn.Module")
    expect(got["is_tensor"], "QuantileLoss should return a tensor")
    expect(got["shape"] == [], f"QuantileLoss should return a scalar tensor (the mean), got shape {tuple(got['shape'])}")


@graded("QuantileLoss", points=2)
def test_quantile_loss_values(sub, rng):
    for _ in range(4):
        q, pred, target = draw(rng)
        got = sub.run(probe_quantile, q, pred, target)
        well_formed(got)
        close(got["value"], pinball(q, pred, target).mean(),
              f"QuantileLoss({q:.2f}) gives the wrong value: it should be the mean of max(q*e, (q-1)*e) with "
              f"e = target - pred (under-predictions cost q per unit)", rtol=1e-5, atol=1e-6)


@graded("QuantileLoss", points=1)
def test_quantile_loss_gradient(sub, rng):
    for _ in range(2):
        q, pred, target = draw(rng)
        got = sub.run(probe_quantile, q, pred, target)
        well_formed(got)
        expect(got["requires_grad"], "QuantileLoss's result does not require grad: compute it with torch "
                                     "operations on pred (no .item(), NumPy or detach)")
        e = target.astype(np.float64) - pred
        want = np.where(e > 0, -q, 1 - q) / pred.size
        expect(got["grad"] is not None, "after backward, pred.grad is None")
        close(got["grad"], want, "the gradient of QuantileLoss with respect to pred is wrong: it should be -q/N "
              "for an under-prediction and (1-q)/N for an over-prediction", rtol=1e-5, atol=1e-7)
