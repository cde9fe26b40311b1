"""Hidden graders of SquarePlus: an autograd.Function with the right forward and backward."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_is_function(mod):
    cls = mod.SquarePlus
    return {"is_class": isinstance(cls, type),
            "is_function": isinstance(cls, type) and issubclass(cls, torch.autograd.Function)}


@probe
def probe_forward(mod, x):
    out = mod.SquarePlus.apply(torch.tensor(x))
    return torch.as_tensor(out).detach().numpy()


@probe
def probe_backward(mod, x, upstream):
    xt = torch.tensor(x, requires_grad=True)
    mod.SquarePlus.apply(xt).backward(torch.tensor(upstream))
    return None if xt.grad is None else xt.grad.numpy()


@probe
def probe_gradcheck(mod, x):
    xt = torch.tensor(x, requires_grad=True)
    try:
        ok = torch.autograd.gradcheck(mod.SquarePlus.apply, (xt,), raise_exception=False)
    except Exception as exc:  # an error inside the learner's backward counts as a failed check
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": bool(ok), "error": None}


def squareplus(x):
    """(x + sqrt(x^2 + 4)) / 2 without cancellation for large negative x."""
    root = np.sqrt(x * x + 4)
    return np.where(x >= 0, (x + root) / 2, 2 / (root - x))


def slope(x):
    """d squareplus / dx = (1 + x / sqrt(x^2 + 4)) / 2, without cancellation for large negative x."""
    root = np.sqrt(x * x + 4)
    return np.where(x >= 0, (1 + x / root) / 2, 2 / (root * (root - x)))


def inputs(rng):
    """float64: ordinary values, negative ones and some of large magnitude, in a random 2-D shape."""
    shape = (int(rng.integers(2, 6)), int(rng.integers(2, 6)))
    x = rng.standard_normal(shape) * 3
    big = rng.random(shape) < 0.3
    x[big] = np.sign(rng.standard_normal(int(big.sum()))) * 10 ** rng.uniform(1, 5, size=int(big.sum()))
    x.flat[0], x.flat[1] = -abs(x.flat[0]) - 0.5, 10 ** rng.uniform(2, 5) * -1
    return x


@graded("SquarePlus", points=2)
def test_squareplus_forward_values(sub, rng):
    for _ in range(2):
        x = inputs(rng)
        close(sub.run(probe_forward, x), squareplus(x),
              "SquarePlus.apply(x) should be (x + sqrt(x*x + 4)) / 2 elementwise (checked in float64, "
              "including negative and large |x|)", rtol=1e-6, atol=1e-9)


@graded("SquarePlus", points=2)
def test_squareplus_backward_values(sub, rng):
    for _ in range(2):
        x = inputs(rng)
        upstream = rng.standard_normal(x.shape)
        got = sub.run(probe_backward, x, upstream)
        expect(got is not None, "after backward through SquarePlus.apply(x), x.grad is None")
        close(got, upstream * slope(x), "the gradient of SquarePlus is wrong: backward must return the upstream "
              "gradient times d/dx of (x + sqrt(x*x + 4)) / 2 (checked with random upstream gradients, "
              "negative and large |x|)", rtol=1e-6, atol=1e-9)


@graded("SquarePlus", points=1)
def test_squareplus_is_function_passing_gradcheck(sub, rng):
    kind = sub.run(probe_is_function)
    expect(kind["is_function"], "SquarePlus should be a class that subclasses torch.autograd.Function")
    x = rng.standard_normal(int(rng.integers(3, 8))) * 2
    got = sub.run(probe_gradcheck, x)
    expect(got["ok"], "torch.autograd.gradcheck(SquarePlus.apply, (x,)) fails in float64"
           + (f" (it raised {got['error']})" if got["error"] else ""))
